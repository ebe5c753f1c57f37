// SPDX-License-Identifier: Apache-2.0
#pragma once
// The result of quantizing a model.

#include "common/statedict.h"
#include "quant/precisionmap.h"
#include "quant/quantizedtensor.h"
#include "quant/sizereport.h"

#include <string>
#include <vector>

namespace pareto {

/// @brief A quantized model: what is stored, what it computes with, what it costs.
///
/// `dequantized` is a deep, independent copy in float32: every tensor has new storage,
/// FP32 leftovers included, so the baseline and the compressed model can never share
/// weights. `tensors` holds the stored form of every tensor not kept in FP32, in state-dict
/// order. Value type; any thread.
struct QuantizedModel {
    StateDict dequantized;
    std::vector<QuantizedTensor> tensors;
    SizeReport size;
    PrecisionMatchReport matches;       ///< empty rules when the plan had no map
    std::vector<std::string> warnings;  ///< non-fatal findings for an issues panel / stderr

    /// The stored form of `name`, or nullptr when it was kept in FP32.
    const QuantizedTensor* find(const std::string& name) const {
        for (const auto& q : tensors)
            if (q.name == name) return &q;
        return nullptr;
    }
};

}  // namespace pareto
