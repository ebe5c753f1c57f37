#include "quant/modelquantizer.h"

#include "quant/channelaxis.h"
#include "quant/tensorquantizer.h"

#include <ATen/ATen.h>

namespace pareto {

Result<QuantizedModel> quantizeStateDict(const StateDict& weights, const QuantPlan& plan, const ProgressSink& progress) {
    if (Status st = plan.defaultScheme.validate(); !st) return st.error();
    QuantizedModel out;

    std::vector<std::string> eligible, policyKept;
    std::vector<int64_t> eligibleNumel;
    for (const auto& e : weights.entries()) {
        if (!e.tensor.defined()) return fail("tensor '" + e.name + "' is undefined");
        const bool floating = e.tensor.is_floating_point();
        if (plan.isQuantizable(e.name, e.tensor.dim(), floating)) {
            eligible.push_back(e.name);
            eligibleNumel.push_back(e.tensor.numel());
        } else if (floating) {
            policyKept.push_back(e.name);
        }
    }
    const bool haveMap = !plan.precisionMap.empty();
    if (haveMap) {
        out.matches = plan.precisionMap.match(eligible, policyKept, eligibleNumel);
        out.warnings = out.matches.warnings;
    }

    const auto& entries = weights.entries();
    const double n = static_cast<double>(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        if (!progress.update(static_cast<double>(i) / n, "quantizing " + e.name)) return Error::cancelled();
        const bool floating = e.tensor.is_floating_point();
        const int64_t rank = e.tensor.dim();

        QuantScheme scheme = QuantScheme::fp32();
        if (plan.isQuantizable(e.name, rank, floating)) {
            const int rule = haveMap ? plan.precisionMap.firstMatch(e.name) : -1;
            scheme = rule >= 0 ? plan.precisionMap.rules()[static_cast<size_t>(rule)].scheme : plan.defaultScheme;
        }

        try {
            if (!floating) {
                // Non-floating buffers (step counters, indices) travel unchanged.
                at::Tensor copy = e.tensor.detach().to(at::kCPU).clone(at::MemoryFormat::Contiguous);
                out.size.add({e.name, "raw " + std::string(c10::toString(copy.scalar_type())), 0,
                              copy.numel() * static_cast<int64_t>(copy.element_size())});
                out.dequantized.set(e.name, copy);
                continue;
            }
            if (scheme.kind == QuantKind::Float32) {
                at::Tensor copy = e.tensor.detach().to(at::kCPU, at::kFloat).clone(at::MemoryFormat::Contiguous);
                out.size.add({e.name, scheme.toString(), copy.numel(), 4 * copy.numel()});
                out.dequantized.set(e.name, copy);
                continue;
            }
        } catch (const std::exception& ex) {
            return fail("tensor '" + e.name + "': " + ex.what());
        }

        const int64_t axis = channelAxisFor(e.name, rank, plan.convTransposeWeights);
        auto q = quantizeTensor(e.name, e.tensor, scheme, axis, plan.kernels);
        if (!q) return q.error();
        at::Tensor deq = dequantize(*q, plan.kernels.path);
        if (!deq.defined()) return fail("tensor '" + e.name + "': dequantization failed (inconsistent storage)");
        out.size.add({e.name, scheme.toString(), q->numel(), q->bytes()});
        out.dequantized.set(e.name, deq);
        out.tensors.push_back(std::move(q).value());
    }
    if (!progress.update(1.0, "quantized")) return Error::cancelled();
    return out;
}

}  // namespace pareto
