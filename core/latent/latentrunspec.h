// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "latent/datafingerprint.h"
#include "train/trainer.h"

#include <string>

namespace pareto {

/// @brief What determines a training run's result: architecture, hyperparameters, seed and
/// the exact training and validation images.
/// @brief The architecture of a run: a built-in one (registry name) at a size.
struct RunArchitecture {
    std::string name = "tinyvae";
    int64_t channels = 3;
    int64_t latentDim = 16;
    int64_t imageSize = 64;  ///< input height = width
};

struct LatentRunSpec {
    RunArchitecture arch;
    TrainConfig train;             ///< latentDim and seed included; teacherWeight is not used
    DataFingerprint trainData;
    DataFingerprint valData;

    /// Canonical JSON of the inputs (sorted keys, numbers printed exactly).
    std::string canonicalJson() const;
    /// Hex SHA-256 of canonicalJson(): the cache key.
    std::string key() const;
};

}  // namespace pareto
