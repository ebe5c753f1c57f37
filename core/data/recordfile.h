// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/imagesource.h"

#include <cstdint>
#include <string>

namespace pareto::detail {

/// @brief A file of fixed-size records, each holding one uint8 image as planes [C][H][W]
/// at a fixed offset (IDX: no per-record header; CIFAR-10: one label byte first).
class RecordFile {
public:
    virtual ~RecordFile() = default;

    virtual const std::string& path() const = 0;
    /// File name only, for ids and messages.
    virtual const std::string& name() const = 0;
    virtual int64_t count() const = 0;
    virtual ImageShape shape() const = 0;
    virtual int64_t recordBytes() const = 0;
    virtual int64_t pixelOffset() const = 0;
    /// Reads records [first, first + n) into dst (n * recordBytes()).
    virtual Status readRecords(int64_t first, int64_t n, uint8_t* dst) = 0;
};

}  // namespace pareto::detail
