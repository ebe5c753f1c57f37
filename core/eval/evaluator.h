#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/bootstrap.h"
#include "eval/metrics.h"
#include "model/vaemodel.h"

#include <ATen/core/Tensor.h>

#include <string>

namespace pareto {

/// @brief Dataset-level figures: each a mean with a 95 % bootstrap CI.
struct MetricSummary {
    Estimate mse, psnr, ssim;
};

MetricSummary summarize(const PerImageMetrics& m);

struct PairedDeltas {
    DeltaEstimate mse, psnr, ssim;
};

/// other - base per image, paired.
PairedDeltas pairedDeltas(const PerImageMetrics& base, const PerImageMetrics& other);

/// @brief Runs the model deterministically (decode(mu)) over the dataset in batches.
/// Checks cancellation per batch. `reconstructions`, if given, receives [N,C,H,W].
Result<PerImageMetrics> evaluateModel(const VaeModel& model, const Dataset& data, int batchSize = 64,
                                      const ProgressSink& progress = {}, at::Tensor* reconstructions = nullptr);

/// Metrics of predicting `meanImage` [C,H,W] for every image.
PerImageMetrics evaluateMeanImage(const at::Tensor& meanImage, const Dataset& data);

/// @brief Whether a model looks untrained: it does not clearly beat the mean image.
struct UntrainedCheck {
    bool warning = false;
    std::string reason;  ///< says the numbers either way
};

/// Ratio of mean MSEs baseline/model below which the model is flagged.
inline constexpr double kUntrainedMseRatio = 1.5;

UntrainedCheck checkUntrained(const MetricSummary& model, const MetricSummary& meanImageBaseline);

}  // namespace pareto
