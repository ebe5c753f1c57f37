// SPDX-License-Identifier: Apache-2.0
#include "export/precisionweights.h"

#include <ATen/ATen.h>

namespace pareto {

StateDict weightsAtPrecision(const StateDict& weights, ModelPrecision precision) {
    StateDict out;
    for (const auto& e : weights.entries()) {
        at::Tensor t = e.tensor.detach().to(at::kFloat);
        if (precision == ModelPrecision::Fp16) t = t.to(at::kHalf).to(at::kFloat);
        out.set(e.name, t.clone(at::MemoryFormat::Contiguous));
    }
    return out;
}

}  // namespace pareto
