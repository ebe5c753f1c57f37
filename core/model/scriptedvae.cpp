#include "model/scriptedvae.h"

#include "model/tinyvae.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>

namespace pareto {
namespace {

at::Tensor firstTensor(const c10::IValue& v) {
    if (v.isTensor()) return v.toTensor();
    if (v.isTuple() && !v.toTupleRef().elements().empty() && v.toTupleRef().elements()[0].isTensor())
        return v.toTupleRef().elements()[0].toTensor();
    if (v.isList() && v.toListRef().size() > 0 && v.toListRef()[0].isTensor()) return v.toListRef()[0].toTensor();
    return {};
}

}  // namespace

ScriptedVae::ScriptedVae(std::shared_ptr<torch::jit::Module> module, ModelInfo info)
    : m_module(std::move(module)), m_info(std::move(info)) {}

Result<std::shared_ptr<ScriptedVae>> ScriptedVae::create(std::shared_ptr<torch::jit::Module> module) {
    if (!module) return fail("no TorchScript module");
    if (!module->find_method("encode") || !module->find_method("decode"))
        return fail("TorchScript module does not export encode(x) and decode(z)");
    module->eval();

    ModelInfo info;
    info.arch = "torchscript";
    StateDict weights;
    for (const auto& p : module->named_parameters(true)) {
        weights.set(p.name, p.value);
        info.params += p.value.numel();
    }

    std::vector<std::vector<int64_t>> candidates;
    if (auto tiny = TinyVae::inferConfig(weights)) candidates.push_back({tiny->channels, 64, 64});
    candidates.push_back({3, 64, 64});
    candidates.push_back({1, 64, 64});

    at::NoGradGuard noGrad;
    std::string lastError;
    for (const auto& shape : candidates) {
        try {
            const at::Tensor x = at::full({1, shape[0], shape[1], shape[2]}, 0.5);
            const at::Tensor mu = firstTensor(module->run_method("encode", x));
            if (!mu.defined() || mu.dim() != 2) {
                lastError = "encode(x) did not return (mu, logvar) with mu of shape [N, L]";
                continue;
            }
            const at::Tensor y = firstTensor(module->run_method("decode", mu));
            if (!y.defined() || y.sizes() != x.sizes()) {
                lastError = "decode(mu) does not return the input's shape";
                continue;
            }
            info.inputShape = shape;
            info.latentDim = mu.size(1);
            return std::shared_ptr<ScriptedVae>(new ScriptedVae(std::move(module), info));
        } catch (const std::exception& e) {
            lastError = e.what();
            const auto nl = lastError.find('\n');
            if (nl != std::string::npos) lastError.resize(nl);
        }
    }
    return fail("TorchScript module does not run on a 3x64x64 or 1x64x64 input: " + lastError);
}

at::Tensor ScriptedVae::encodeMu(const at::Tensor& x) const { return firstTensor(m_module->run_method("encode", x)); }

at::Tensor ScriptedVae::decode(const at::Tensor& z) const { return firstTensor(m_module->run_method("decode", z)); }

}  // namespace pareto
