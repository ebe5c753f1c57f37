#pragma once

#include "latent/datafingerprint.h"
#include "model/tinyvae.h"
#include "train/trainer.h"

#include <string>

namespace pareto {

/// @brief What determines a training run's result: architecture, hyperparameters, seed and
/// the exact training and validation images.
struct LatentRunSpec {
    TinyVaeConfig arch;
    TrainConfig train;             ///< latentDim and seed included; teacherWeight is not used
    DataFingerprint trainData;
    DataFingerprint valData;

    /// Canonical JSON of the inputs (sorted keys, numbers printed exactly).
    std::string canonicalJson() const;
    /// Hex SHA-256 of canonicalJson(): the cache key.
    std::string key() const;
};

}  // namespace pareto
