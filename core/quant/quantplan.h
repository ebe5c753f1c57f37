#pragma once
// What to do with every tensor of a model.

#include "quant/precisionmap.h"
#include "quant/quantscheme.h"
#include "quant/tensorquantizer.h"

#include <string>
#include <vector>

namespace pareto {

/// @brief A model-level quantization request. Plain value; build it on any thread.
///
/// Policy: a tensor is *quantizable* when it is floating point and either has rank >= 2 and
/// a name ending in ".weight" (Conv2d / ConvTranspose2d / Linear weights) or, with
/// quantizeBiases, rank <= 1 (biases, norm parameters). Quantizable tensors take the scheme
/// of the first precision-map entry matching their name, else defaultScheme. Every other
/// tensor stays FP32 (non-floating buffers are copied as they are).
struct QuantPlan {
    QuantScheme defaultScheme = QuantScheme::integer(8);
    PrecisionMap precisionMap;  ///< empty: defaultScheme everywhere
    bool quantizeBiases = false;
    /// Parameters whose output channels are axis 1 (see channelAxisFor()).
    std::vector<std::string> convTransposeWeights;
    QuantizeOptions kernels;

    /// Whether the policy lets the map / default scheme decide this tensor.
    bool isQuantizable(const std::string& name, int64_t rank, bool floating) const;
};

}  // namespace pareto
