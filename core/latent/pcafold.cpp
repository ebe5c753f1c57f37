#include "latent/pcafold.h"

#include <ATen/ATen.h>

namespace pareto {

Result<TinyVae> foldPca(const TinyVae& model, const PcaProjection& p) {
    const TinyVaeConfig& c = model.config();
    if (!p.basis.defined() || p.latentDim != c.latentDim || p.basis.size(0) != c.latentDim || p.basis.size(1) != p.k)
        return fail("PCA fold: the projection is for latent size " + std::to_string(p.latentDim) + ", the model has L=" +
                    std::to_string(c.latentDim));
    at::NoGradGuard noGrad;
    const StateDict& w = model.weights();
    const auto d = [&](const char* name) { return w.get(name).detach().to(at::kDouble); };
    const at::Tensor B = p.basis.to(at::kDouble), m = p.mean.to(at::kDouble);
    const at::Tensor B2 = B * B;

    const at::Tensor wMu = d("fc_mu.weight"), bMu = d("fc_mu.bias");
    const at::Tensor wLv = d("fc_logvar.weight"), bLv = d("fc_logvar.bias");
    const at::Tensor wD = d("decoder_input.weight"), bD = d("decoder_input.bias");

    StateDict folded;
    const auto put = [&](const std::string& name, const at::Tensor& t) { folded.set(name, t.to(at::kFloat).contiguous()); };
    for (const auto& e : w.entries()) {
        if (e.name == "fc_mu.weight") put(e.name, B.t().mm(wMu));
        else if (e.name == "fc_mu.bias") put(e.name, B.t().mv(bMu - m));
        else if (e.name == "fc_logvar.weight") put(e.name, B2.t().mm(wLv));
        else if (e.name == "fc_logvar.bias") put(e.name, B2.t().mv(bLv));
        else if (e.name == "decoder_input.weight") put(e.name, wD.mm(B));
        else if (e.name == "decoder_input.bias") put(e.name, bD + wD.mv(m));
        else folded.set(e.name, e.tensor.detach().clone().contiguous());
    }
    auto out = TinyVae::fromStateDict(folded);
    if (!out) return fail("PCA fold produced an invalid TinyVAE: " + out.error().message);
    return out;
}

}  // namespace pareto
