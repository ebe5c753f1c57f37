// SPDX-License-Identifier: Apache-2.0
#pragma once
// Trained latent-size sweep: a built-in architecture trained at each latent size over several seeds,
// measured on held-out images, mean +- 95 % CI over seeds; cached and resumable.

#include "common/progress.h"
#include "common/result.h"
#include "data/datasetloader.h"
#include "eval/bootstrap.h"
#include "latent/latentrun.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pareto {

/// Hyperparameters of the demo models' protocol: TrainConfig defaults with at most 12
/// epochs and patience 3 on the validation loss.
TrainConfig latentSweepDefaultTraining();

/// @brief What a sweep trains. Value type; copy it into the worker.
struct LatentSweepConfig {
    std::string arch = "tinyvae";  ///< the built-in architecture trained at each size
    std::vector<int64_t> latents;  ///< latent sizes, trained in this order
    int seeds = 3;                 ///< seeds per latent size: firstSeed, firstSeed + 1, ...
    uint64_t firstSeed = 1;
    /// Hyperparameters of every run (latentDim and seed are set per run).
    TrainConfig train = latentSweepDefaultTraining();
    std::string cacheDir;          ///< required: finished runs are stored and reused here
    int evalBatchSize = 64;
    /// Called on the worker thread after each run is finished and stored (trained now) or
    /// found in the cache; lets a UI fill its table as runs complete.
    std::function<void(const LatentRun&)> onRunFinished;
};

/// @brief One latent size over its seeds.
struct LatentSweepRow {
    int64_t latentDim = 0;
    int64_t params = 0;
    std::vector<uint64_t> seeds;
    std::vector<double> seedMse;   ///< each seed's mean test MSE, in seed order
    /// Student-t 95 % CIs over the seeds' mean test figures (n = seeds, n - 1 dof).
    Estimate mse, psnr, ssim;
    int untrainedRuns = 0;         ///< runs not clearly better than the mean image
};

/// @brief The result of sweepLatents().
struct LatentSweep {
    std::vector<LatentSweepRow> rows;  ///< in the order of config.latents
    std::vector<LatentRun> runs;       ///< latent-major, then seed
    int trained = 0;                   ///< runs trained by this call
    int loaded = 0;                    ///< runs reused from the cache
    DataFingerprint test;              ///< the held-out images every run was measured on
    MetricSummary baselineMeanImage;   ///< the mean image as the prediction, same images
    std::string baselineSource;
    std::vector<std::string> warnings; ///< cache entries that could not be trusted, ...
    double seconds = 0;
};

/// Trains every (latent, seed) pair that the cache does not already hold, with
/// trainTinyVae (early stopping on `val`), measures each on `test` (held out: never trained
/// or early-stopped on) and writes it to the cache before starting the next. Runs found in
/// the cache are reused (and re-measured if `test` differs from the images they were
/// measured on). Progress per batch with the run, its position and an ETA in the stage text.
/// Cancel (the sink says stop) returns Error::cancelled(); finished runs stay cached, so
/// calling again resumes. `meanImage` (may be undefined) gives the untrained check.
Result<LatentSweep> sweepLatents(const Dataset& train, const Dataset& val, const Dataset& test, const MeanImage& meanImage,
                                 const LatentSweepConfig& config, const ProgressSink& progress = {});

/// "12 s", "4 min 05 s", "2 h 10 min": for ETAs in stage texts.
std::string formatDuration(double seconds);

}  // namespace pareto
