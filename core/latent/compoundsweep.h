// SPDX-License-Identifier: Apache-2.0
#pragma once
// The latent x bits grid: every (latent method, k) x (quantization scheme) point measured on
// the same held-out images, one Pareto front over (bytes, MSE) across both axes.

#include "common/progress.h"
#include "common/result.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "quant/quantplan.h"
#include "quant/sizereport.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief One point of the latent axis: a model at latent k and how it was made.
struct LatentVariant {
    std::string method;            ///< "pca", "distill", "trained" (the original is added by the sweep)
    int64_t k = 0;
    std::optional<uint64_t> seed;  ///< trained / distilled models
    std::shared_ptr<const Model> model;  ///< the model at k (folded, projected, trained or distilled)
    std::string source;            ///< file or how it was derived, for the report
    double explainedVariance = std::numeric_limits<double>::quiet_NaN();  ///< PCA only
};

/// @brief One measured grid point.
struct CompoundRow {
    std::string method;            ///< "original" for the model as loaded
    int64_t k = 0;
    std::optional<uint64_t> seed;
    std::string scheme;            ///< canonical scheme string ("fp32" unquantized)
    /// Real bytes: packed values + scales + zero-points + FP32 leftovers (SizeReport); a
    /// projected model's projection ("pca.basis", "pca.mean", FP32) is among its tensors.
    SizeReport size;
    MetricSummary metrics;         ///< 95 % bootstrap CIs over the images
    PairedDeltas deltaVsOriginal;  ///< this - the original FP32 model, per image, paired
    bool reference = false;        ///< the original model in FP32
    bool pareto = false;           ///< on the (bytes, mean MSE) front of all rows
    /// Not clearly better than the mean image (checkUntrained against the same images):
    /// a point that is on the front only because it is small, not because it works.
    bool untrainedWarning = false;
    double explainedVariance = std::numeric_limits<double>::quiet_NaN();
    PerImageMetrics perImage;      ///< per-image figures behind `metrics` (A/B comparisons pair on them)
};

/// @brief The result of sweepCompound().
struct CompoundSweep {
    ModelEvaluation original;      ///< the original FP32 model, with the mean-image check
    std::vector<CompoundRow> rows; ///< original first, then the variants in order; per model FP32 then the plans
    std::vector<std::string> warnings;
};

/// Measures `original` once (FP32, mean-image check) unless `originalMeasured` gives that
/// evaluation on exactly `data` already (the studio's session measured it at load), then
/// every model (the original and each variant) at FP32 and under each plan on the same
/// images, paired per image with the original FP32 model; any model kind. A plan equal to
/// plain FP32 is not measured twice. Each model's copies are measured together on every
/// core (measureCopies). Cancellable per point and per batch.
Result<CompoundSweep> sweepCompound(const std::shared_ptr<const Model>& original, const std::vector<LatentVariant>& variants,
                                    const std::vector<QuantPlan>& plans, const Dataset& data, const MeanImage& meanImage,
                                    int batchSize = 64, const ProgressSink& progress = {},
                                    const ModelEvaluation* originalMeasured = nullptr);

/// The real size of `model` unquantized: every tensor it needs (projection included) in FP32.
Result<SizeReport> fp32SizeOf(const Model& model);

}  // namespace pareto
