// SPDX-License-Identifier: Apache-2.0
#include "export/plannedtensor.h"

namespace pareto {

std::string plannedLayerName(const PlannedTensor& t) {
    const size_t rank = t.shape.size();
    if (rank <= 1) return "vector";
    const std::string dims = rank >= 3 ? std::to_string(rank - 2) + "d" : "";
    switch (t.layer) {
        case LayerKind::Conv: return "Conv" + dims;
        case LayerKind::ConvTranspose: return "ConvTranspose" + dims;
        case LayerKind::Linear: return "Linear";
        case LayerKind::Embedding: return "Embedding";
        case LayerKind::Norm: return "norm";
        case LayerKind::Other: break;
    }
    return "tensor";
}

std::vector<PlannedTensor> planTensors(const std::vector<ModelTensor>& tensors, const QuantPlan& plan) {
    std::vector<PlannedTensor> out;
    for (const auto& m : tensors) {
        PlannedTensor t;
        t.name = m.name;
        t.shape = m.tensor.sizes().vec();
        t.params = m.tensor.numel();
        t.layer = m.layer;
        t.buffer = m.buffer;
        t.scheme = plan.schemeFor(m);
        t.axis = t.shape.size() >= 2 ? std::max<int64_t>(m.axis, 0) : 0;
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace pareto
