// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Which images a run saw, independent of where they were read from: a SHA-256 of
/// the float32 pixels (after conversion), with their shape. `identity` is informational.
struct DataFingerprint {
    std::string identity;          ///< Dataset::identity
    std::vector<int64_t> shape;    ///< [N, C, H, W]
    std::string sha256;            ///< of the contiguous float32 pixel bytes

    bool operator==(const DataFingerprint& o) const { return shape == o.shape && sha256 == o.sha256; }
    bool operator!=(const DataFingerprint& o) const { return !(*this == o); }
};

/// Hashes the pixels (about 1 s per GB); any thread.
DataFingerprint fingerprintDataset(const Dataset& data);

}  // namespace pareto
