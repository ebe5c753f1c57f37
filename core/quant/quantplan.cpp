// SPDX-License-Identifier: Apache-2.0
#include "quant/quantplan.h"

namespace pareto {

bool QuantPlan::isQuantizable(const ModelTensor& t) const {
    if (!t.tensor.defined() || !t.tensor.is_floating_point() || t.buffer) return false;
    if (t.quantizedByDefault) return true;
    return quantizeBiases && t.tensor.dim() <= 1;
}

QuantScheme QuantPlan::schemeFor(const ModelTensor& t) const {
    if (!isQuantizable(t)) return QuantScheme::fp32();
    const int rule = precisionMap.empty() ? -1 : precisionMap.firstMatch(t.name);
    return rule >= 0 ? precisionMap.rules()[static_cast<size_t>(rule)].scheme : defaultScheme;
}

}  // namespace pareto
