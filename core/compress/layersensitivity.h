// SPDX-License-Identifier: Apache-2.0
#pragma once
// How much each layer alone hurts when quantized: the input of mixed-precision choices.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/evaluator.h"
#include "model/model.h"
#include "quant/quantplan.h"
#include "quant/quantscheme.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One quantizable tensor quantized alone (every other tensor FP32).
struct LayerSensitivity {
    std::string name;
    int64_t params = 0;
    int64_t fp32Bytes = 0;       ///< this tensor in FP32
    int64_t bytes = 0;           ///< this tensor in the scheme (packed codes + scales + zero-points)
    int64_t bytesSaved = 0;      ///< fp32Bytes - bytes
    int64_t modelBytes = 0;      ///< the whole model with only this tensor quantized
    double mse = 0;              ///< mean MSE of that model
    DeltaEstimate deltaMse;      ///< its MSE - FP32 MSE, paired per image; significant when the CI excludes 0
};

/// @brief Per-layer sensitivity to one scheme, sorted by deltaMse.estimate.mean, largest first.
struct SensitivityReport {
    std::string scheme;          ///< canonical string
    int64_t n = 0;               ///< calibration images
    int64_t fp32ModelBytes = 0;  ///< the whole model in FP32 (4 bytes per parameter)
    PerImageMetrics fp32PerImage;
    MetricSummary fp32;
    std::vector<LayerSensitivity> layers;
};

/// Names of the tensors `plan`'s policy lets a precision map decide (QuantPlan::isQuantizable),
/// in the model's order. Fails when there is none.
Result<std::vector<std::string>> quantizableTensors(const Model& model, const QuantPlan& plan = {});

/// A plan that quantizes exactly the tensor `name` with `scheme` (a one-entry precision map
/// whose pattern is the name itself) and leaves everything else FP32.
QuantPlan singleTensorPlan(const std::string& name, const QuantScheme& scheme);

/// For each quantizable tensor, quantizes only that one with `scheme` and measures the model
/// on `calibration` (a small subset: 256 images is plenty for a ranking), paired per image with
/// FP32. `fp32PerImage`, when given, must be the FP32 model's metrics on exactly these images
/// (it saves one pass); otherwise they are measured here. Cancellable per layer and per batch.
Result<SensitivityReport> measureLayerSensitivity(const Model& baseline, const QuantScheme& scheme,
                                                  const Dataset& calibration, int batchSize = 64,
                                                  const ProgressSink& progress = {},
                                                  const PerImageMetrics* fp32PerImage = nullptr);

}  // namespace pareto
