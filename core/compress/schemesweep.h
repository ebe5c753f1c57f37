// SPDX-License-Identifier: Apache-2.0
#pragma once
// One model, many quantization schemes, the same images: a size/quality table with the
// Pareto front marked.

#include "common/progress.h"
#include "common/result.h"
#include "compress/modelcompressor.h"
#include "eval/modelevaluation.h"
#include "quant/sizereport.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

/// @brief One configuration of a sweep, measured on the sweep's images.
struct SweepRow {
    std::string scheme;          ///< canonical scheme string ("fp32" for the baseline row)
    SizeReport size;             ///< real bytes of the stored payload
    MetricSummary metrics;
    PairedDeltas deltaVsFp32;    ///< this - FP32 per image, paired (exactly 0 for the FP32 row)
    bool baseline = false;       ///< the FP32 model itself
    bool pareto = false;         ///< on the (bytes, mean MSE) Pareto front of the rows
    PerImageMetrics perImage;    ///< per-image figures behind `metrics` (A/B comparisons pair on them)
};

/// @brief The result of sweepSchemes(): the FP32 baseline (measured once) and one row per
/// configuration, the FP32 row first, then the plans in the order given.
struct SchemeSweep {
    ModelEvaluation fp32;
    std::vector<SweepRow> rows;
    std::vector<std::string> warnings;  ///< quantizer findings, prefixed by their scheme
};

/// The schemes `pareto sweep` measures when none are given:
/// fp16, int8, int6, int5, int4, int4-g64, nf4, int3-g64, int2-g64, ternary.
const std::vector<std::string>& defaultSweepSchemes();

/// Pareto front of (bytes, mse) points, both minimised: point i is on the front when no
/// other point has bytes <= and mse <= with at least one strictly less. Equal points are
/// both on the front (neither dominates). A NaN MSE is never on the front and dominates
/// nothing. Plain O(n^2) scalar reference; n is a handful of configurations.
std::vector<bool> paretoFront(const std::vector<std::pair<int64_t, double>>& points);

/// Plans with each scheme as the default (every other plan field default); errors name the
/// bad string.
Result<std::vector<QuantPlan>> plansFromSchemes(const std::vector<std::string>& schemes);

/// Measures `baseline` once on `data` (with the mean-image check), then for each plan a
/// compressed copy on the same images, paired per image with the FP32 numbers. The FP32
/// row is always included; a plan equal to plain FP32 is not measured twice. Cancellable
/// per configuration and per batch (Error::cancelled()).
Result<SchemeSweep> sweepSchemes(const Model& baseline, const std::vector<QuantPlan>& plans, const Dataset& data,
                                 const MeanImage& meanImage, int batchSize = 64, const ProgressSink& progress = {});

}  // namespace pareto
