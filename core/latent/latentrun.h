// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "eval/evaluator.h"
#include "latent/datafingerprint.h"
#include "train/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One finished training run of a latent sweep: what was trained and how it did on
/// the held-out test images. Stored beside its model in the sweep cache (a JSON record).
struct LatentRun {
    int64_t latentDim = 0;
    uint64_t seed = 0;
    int64_t channels = 0;
    int64_t params = 0;
    std::string key;               ///< cache key (hex SHA-256 of the run's inputs)
    bool fromCache = false;        ///< loaded from the cache rather than trained now
    std::string modelPath;         ///< the cached safetensors
    std::string modelSha256;       ///< of that file, checked when the run is reused

    int bestEpoch = 0;
    int epochsRun = 0;
    bool stoppedEarly = false;
    double secondsPerEpoch = 0;    ///< training epochs only, as measured when it was trained
    double trainSeconds = 0;
    std::vector<EpochRecord> history;

    DataFingerprint test;          ///< the held-out images it was measured on
    MetricSummary testMetrics;     ///< 95 % bootstrap CIs over those images
    bool untrainedWarning = false; ///< not clearly better than the mean image
    std::string untrainedReason;
};

}  // namespace pareto
