#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "model/tinyvae.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief Hyperparameters of a TinyVAE training run. Everything that changes the result
/// is here, so a run is reproducible from this struct, the data and the seed.
struct TrainConfig {
    int64_t latentDim = 16;
    int epochs = 20;
    int batchSize = 64;
    double learningRate = 1e-3;
    /// loss per image = sum of squared errors over pixels + beta * KL summed over the
    /// latent, averaged over the batch (a mean-reduced MSE against a summed KL collapses
    /// to the mean image).
    double beta = 1.0;
    uint64_t seed = 1;
    /// Stop after this many epochs without a better validation loss; 0 disables.
    int patience = 3;
    /// Distillation only (trainTinyVae with a `teacher`): weight w of the teacher's
    /// reconstruction as a second target. Loss per image = (1 - w) * SSE(x_hat, x)
    /// + w * SSE(x_hat, teacher(x)) + beta * KL. Ignored without a teacher.
    double teacherWeight = 0.5;
};

struct EpochRecord {
    int epoch = 0;           ///< 1-based
    double trainLoss = 0;    ///< per image, as optimised
    double valLoss = 0;      ///< per image, z = mu
    double valMse = 0;       ///< mean per-image MSE on validation, z = mu
    double seconds = 0;
};

struct TrainResult {
    TinyVae model;           ///< weights of the best validation epoch
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    bool stoppedEarly = false;
    double secondsPerEpoch = 0;  ///< mean wall time of a training epoch (validation excluded)
};

/// @brief Trains a TinyVAE with Adam on `train`, early-stopping on `val`.
/// Progress per batch; returns Error::cancelled() when the sink says stop.
/// `init` starts from given weights instead of a seeded random initialisation.
/// `teacher`, when given, adds its deterministic reconstruction decode(mu) as a target
/// (weight config.teacherWeight, see TrainConfig), for training and validation loss alike;
/// EpochRecord::valMse stays the MSE against the data. Without a teacher the objective is
/// exactly the plain VAE loss.
Result<TrainResult> trainTinyVae(const Dataset& train, const Dataset& val, const TrainConfig& config,
                                 const ProgressSink& progress = {}, const std::optional<TinyVae>& init = std::nullopt,
                                 const VaeModel* teacher = nullptr);

}  // namespace pareto
