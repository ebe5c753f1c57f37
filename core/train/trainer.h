// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "model/model.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pareto {

/// @brief Hyperparameters of a training run. Everything that changes the result is here, so
/// a run is reproducible from this struct, the start weights, the data and the seed.
struct TrainConfig {
    int64_t latentDim = 16;  ///< for a fresh model (`pareto train`); the trainer itself trains what it is given
    int epochs = 20;
    int batchSize = 64;
    double learningRate = 1e-3;
    /// KL weight of a VAE's objective (Model::trainingLoss; TinyVAE: SSE summed over pixels
    /// + beta * KL summed over the latent, averaged over the batch).
    double beta = 1.0;
    uint64_t seed = 1;
    /// Stop after this many epochs without a better validation loss; 0 disables.
    int patience = 3;
    /// Distillation only (trainModel with a `teacher`): weight w of the teacher's
    /// reconstruction as a second target. Ignored without a teacher.
    double teacherWeight = 0.5;
};

struct EpochRecord {
    int epoch = 0;           ///< 1-based
    double trainLoss = 0;    ///< per image, as optimised
    double valLoss = 0;      ///< per image, deterministic (z = mu)
    double valMse = 0;       ///< mean per-image MSE on validation, in [0, 1] units
    double seconds = 0;
};

struct TrainResult {
    std::shared_ptr<const Model> model;  ///< weights of the best validation epoch (no autograd state)
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    bool stoppedEarly = false;
    double secondsPerEpoch = 0;  ///< mean wall time of a training epoch (validation excluded)
};

/// @brief Trains a copy of `start` (its weights are never changed) with Adam on `train`,
/// early-stopping on `val`, by the model's own objective (Model::trainingLoss): only models
/// that say trainable(). Progress per batch; Error::cancelled() when the sink says stop.
/// `teacher`, when given, adds its deterministic reconstruction as a target (weight
/// config.teacherWeight), for training and validation loss alike; EpochRecord::valMse stays
/// the MSE against the data. Float buffers (BatchNorm statistics) are updated by the
/// objective, never by the optimiser.
Result<TrainResult> trainModel(const std::shared_ptr<const Model>& start, const Dataset& train, const Dataset& val,
                               const TrainConfig& config, const ProgressSink& progress = {}, const Model* teacher = nullptr);

}  // namespace pareto
