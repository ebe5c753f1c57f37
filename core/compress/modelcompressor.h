#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "model/vaemodel.h"
#include "quant/quantizedmodel.h"
#include "quant/quantplan.h"

#include <memory>

namespace pareto {

/// @brief A compressed variant of a model: its own weights, never the baseline's.
struct CompressedModel {
    /// Computes with the dequantized, deep-copied weights (exactly what is stored).
    std::shared_ptr<const VaeModel> model;
    /// What is stored: packed tensors, sizes counted from real bytes, map report, warnings.
    QuantizedModel quantized;
};

/// @brief Quantizes a copy of `baseline`'s weights by `plan` and builds a model over them.
/// The baseline is not touched. A plan without ConvTranspose names gets the TinyVAE's.
/// Supported: TinyVAE. Cancellable per tensor.
Result<CompressedModel> compressModel(const VaeModel& baseline, const QuantPlan& plan, const ProgressSink& progress = {});

}  // namespace pareto
