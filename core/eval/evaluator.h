// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/concurrenttasks.h"
#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/bootstrap.h"
#include "eval/metrics.h"
#include "model/model.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace pareto {

/// @brief Dataset-level figures: each a mean with a 95 % bootstrap CI.
struct MetricSummary {
    Estimate mse, psnr, ssim;
};

/// bootstrapMean of each metric (default resamples and seed).
MetricSummary summarize(const PerImageMetrics& m);

struct PairedDeltas {
    DeltaEstimate mse, psnr, ssim;
};

/// other - base per image, paired (pairedDelta of each metric).
PairedDeltas pairedDeltas(const PerImageMetrics& base, const PerImageMetrics& other);

/// @brief Runs the model deterministically (decode(mu)) over the dataset in batches: a
/// reentrant model's batches on every compute thread at once (evaluateModels), each batch
/// single-threaded, so the numbers do not depend on the thread count; any other model batch
/// after batch on the calling thread.
/// Checks cancellation per batch (before each one): Error::cancelled() when the sink says
/// stop. Fails with a message for an empty dataset, batchSize < 1, a model that throws,
/// a reconstruction whose shape differs from its input, or non-finite reconstructions.
/// `reconstructions`, if given, receives [N,C,H,W] float32 on CPU, only on success.
Result<PerImageMetrics> evaluateModel(const Model& model, const Dataset& data, int batchSize = 64,
                                      const ProgressSink& progress = {}, at::Tensor* reconstructions = nullptr);

/// Several models on the same images: per model, what evaluateModel() gives (the same
/// numbers bit for bit, whatever `workers`). Batches are measured on up to `workers` threads
/// at once, each computing single-threaded (runConcurrently): every batch of a reentrant
/// model is a task of its own, a model that is not reentrant runs all its batches on one
/// thread. Progress is reported from the calling thread; cancel is checked before every
/// batch. Errors: the first failing batch in (model, batch) order, worded as evaluateModel's.
/// `reconstructions`, if given, receives one [N,C,H,W] float32 tensor per model.
Result<std::vector<PerImageMetrics>> evaluateModels(const std::vector<const Model*>& models, const Dataset& data,
                                                    int batchSize = 64, const ProgressSink& progress = {},
                                                    std::vector<at::Tensor>* reconstructions = nullptr,
                                                    int workers = defaultWorkers());

/// Metrics of predicting `meanImage` [C,H,W] for every image (see meanImageOf in baseline.h).
/// A shape that does not match the images is a caller bug and throws c10::Error.
PerImageMetrics evaluateMeanImage(const at::Tensor& meanImage, const Dataset& data);

/// @brief Whether a model looks untrained: it does not clearly beat the mean image.
struct UntrainedCheck {
    bool warning = false;
    std::string reason;  ///< says the numbers either way
};

/// Ratio of mean MSEs baseline/model below which the model is flagged.
inline constexpr double kUntrainedMseRatio = 1.5;

/// Warns when baseline.mse.mean / model.mse.mean < kUntrainedMseRatio (NaN included) or when
/// the two MSE CIs overlap; the reason quotes both MSEs with CIs and the ratio either way.
UntrainedCheck checkUntrained(const MetricSummary& model, const MetricSummary& meanImageBaseline);

}  // namespace pareto
