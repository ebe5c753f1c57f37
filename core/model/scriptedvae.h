#pragma once

#include "common/result.h"
#include "model/vaemodel.h"

#include <memory>

namespace torch::jit {
struct Module;
}

namespace pareto {

/// @brief A TorchScript module that exports `encode(x) -> (mu, logvar)` and `decode(z)`.
class ScriptedVae : public VaeModel {
public:
    /// Checks the methods exist and probes the input shape (from the weights when they are
    /// a TinyVAE's, else by trying 3x64x64 and 1x64x64) and the latent size.
    static Result<std::shared_ptr<ScriptedVae>> create(std::shared_ptr<torch::jit::Module> module);

    ModelInfo info() const override { return m_info; }
    at::Tensor encodeMu(const at::Tensor& x) const override;
    at::Tensor decode(const at::Tensor& z) const override;

private:
    ScriptedVae(std::shared_ptr<torch::jit::Module> module, ModelInfo info);

    std::shared_ptr<torch::jit::Module> m_module;
    ModelInfo m_info;
};

}  // namespace pareto
