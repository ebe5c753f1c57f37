// SPDX-License-Identifier: Apache-2.0
#include "quant/modelquantizer.h"

#include "quant/tensorquantizer.h"

#include <ATen/ATen.h>

namespace pareto {

std::vector<ModelTensor> defaultTensorRoles(const StateDict& weights) {
    std::vector<ModelTensor> out;
    static const std::string suffix = ".weight";
    for (const auto& e : weights.entries()) {
        ModelTensor t;
        t.name = e.name;
        t.tensor = e.tensor;
        const bool weight = e.tensor.defined() && e.tensor.is_floating_point() && e.tensor.dim() >= 2 && e.name.size() >= suffix.size() &&
                            e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0;
        t.quantizedByDefault = weight;
        t.axis = weight ? 0 : -1;
        out.push_back(std::move(t));
    }
    return out;
}

Result<QuantizedModel> quantizeStateDict(const StateDict& weights, const QuantPlan& plan, const ProgressSink& progress) {
    return quantizeModelTensors(defaultTensorRoles(weights), plan, progress);
}

Result<QuantizedModel> quantizeModelTensors(const std::vector<ModelTensor>& tensors, const QuantPlan& plan, const ProgressSink& progress) {
    if (Status st = plan.defaultScheme.validate(); !st) return st.error();
    QuantizedModel out;

    std::vector<std::string> eligible, policyKept;
    std::vector<int64_t> eligibleNumel;
    for (const auto& t : tensors) {
        if (!t.tensor.defined()) return fail("tensor '" + t.name + "' is undefined");
        if (plan.isQuantizable(t)) {
            eligible.push_back(t.name);
            eligibleNumel.push_back(t.tensor.numel());
        } else if (t.tensor.is_floating_point()) {
            policyKept.push_back(t.name);
        }
    }
    if (!plan.precisionMap.empty()) {
        out.matches = plan.precisionMap.match(eligible, policyKept, eligibleNumel);
        out.warnings = out.matches.warnings;
    }

    const double n = static_cast<double>(tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
        const ModelTensor& t = tensors[i];
        if (!progress.update(static_cast<double>(i) / n, "quantizing " + t.name)) return Error::cancelled();
        const QuantScheme scheme = plan.schemeFor(t);
        try {
            if (!t.tensor.is_floating_point()) {
                // Non-floating buffers (step counters, indices) travel unchanged.
                at::Tensor copy = t.tensor.detach().to(at::kCPU).clone(at::MemoryFormat::Contiguous);
                out.size.add({t.name, "raw " + std::string(c10::toString(copy.scalar_type())), 0,
                              copy.numel() * static_cast<int64_t>(copy.element_size()), t.buffer});
                out.dequantized.set(t.name, copy);
                continue;
            }
            if (scheme.kind == QuantKind::Float32) {
                at::Tensor copy = t.tensor.detach().to(at::kCPU, at::kFloat).clone(at::MemoryFormat::Contiguous);
                out.size.add({t.name, scheme.toString(), copy.numel(), 4 * copy.numel(), t.buffer});
                out.dequantized.set(t.name, copy);
                continue;
            }
        } catch (const std::exception& ex) {
            return fail("tensor '" + t.name + "': " + ex.what());
        }

        // Rank <= 1 tensors (biases under quantizeBiases) have no channel axis: one row.
        const int64_t axis = t.tensor.dim() >= 2 ? std::max<int64_t>(t.axis, 0) : 0;
        auto q = quantizeTensor(t.name, t.tensor, scheme, axis, plan.kernels);
        if (!q) return q.error();
        at::Tensor deq = dequantize(*q, plan.kernels.path);
        if (!deq.defined()) return fail("tensor '" + t.name + "': dequantization failed (inconsistent storage)");
        out.size.add({t.name, scheme.toString(), q->numel(), q->bytes(), t.buffer});
        out.dequantized.set(t.name, deq);
        out.tensors.push_back(std::move(q).value());
    }
    if (!progress.update(1.0, "quantized")) return Error::cancelled();
    return out;
}

}  // namespace pareto
