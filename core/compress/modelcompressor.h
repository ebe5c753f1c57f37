// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "model/model.h"
#include "quant/quantizedmodel.h"
#include "quant/quantplan.h"

#include <memory>

namespace pareto {

/// @brief A compressed variant of a model: its own weights, never the baseline's.
struct CompressedModel {
    /// Computes with the dequantized, deep-copied weights (exactly what is stored).
    std::shared_ptr<const Model> model;
    /// What is stored: packed tensors, sizes counted from real bytes, map report, warnings.
    QuantizedModel quantized;
};

/// @brief Quantizes a copy of `baseline`'s tensors by `plan` (each along the axis the model
/// says) and builds a model over the dequantized copies (Model::withWeights). The baseline
/// is not touched. Any model kind. Cancellable per tensor.
Result<CompressedModel> compressModel(const Model& baseline, const QuantPlan& plan, const ProgressSink& progress = {});

}  // namespace pareto
