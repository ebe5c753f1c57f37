// SPDX-License-Identifier: Apache-2.0
#pragma once
// What to do with every tensor of a model.

#include "model/model.h"
#include "quant/precisionmap.h"
#include "quant/quantscheme.h"
#include "quant/tensorquantizer.h"

#include <string>
#include <vector>

namespace pareto {

/// @brief A model-level quantization request. Plain value; build it on any thread.
///
/// Policy: a tensor is *quantizable* when the model says it is quantized by default (the
/// weight of a Conv, ConvTranspose, Linear or Embedding layer: ModelTensor) or, with
/// quantizeBiases, it is a parameter of rank <= 1 (biases, norm parameters). Float buffers
/// (BatchNorm statistics) are never quantized. Quantizable tensors take the scheme of the
/// first precision-map entry matching their name, else defaultScheme. Every other tensor
/// stays FP32, and counts in the size at 4 bytes per value.
struct QuantPlan {
    QuantScheme defaultScheme = QuantScheme::integer(8);
    PrecisionMap precisionMap;  ///< empty: defaultScheme everywhere
    bool quantizeBiases = false;
    QuantizeOptions kernels;

    /// Whether the policy lets the map / default scheme decide this tensor.
    bool isQuantizable(const ModelTensor& tensor) const;
    /// The scheme `tensor` gets: the first matching map entry or the default when
    /// quantizable, FP32 otherwise.
    QuantScheme schemeFor(const ModelTensor& tensor) const;
};

}  // namespace pareto
