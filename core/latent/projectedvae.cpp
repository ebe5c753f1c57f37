#include "latent/projectedvae.h"

#include <ATen/ATen.h>

namespace pareto {

ProjectedVae::ProjectedVae(std::shared_ptr<const VaeModel> base, PcaProjection projection)
    : m_base(std::move(base)), m_projection(std::move(projection)) {
    m_basis = m_projection.basis.to(at::kFloat).contiguous();
    m_mean = m_projection.mean.to(at::kFloat).contiguous();
}

Result<std::shared_ptr<ProjectedVae>> ProjectedVae::create(std::shared_ptr<const VaeModel> base, PcaProjection projection) {
    if (!base) return fail("PCA projection: no base model");
    const int64_t L = base->info().latentDim;
    if (!projection.basis.defined() || projection.latentDim != L || projection.basis.size(0) != L)
        return fail("PCA projection is for latent size " + std::to_string(projection.latentDim) + ", the model has L=" +
                    std::to_string(L));
    return std::shared_ptr<ProjectedVae>(new ProjectedVae(std::move(base), std::move(projection)));
}

ModelInfo ProjectedVae::info() const {
    ModelInfo i = m_base->info();
    i.arch += "+pca";
    i.latentDim = m_projection.k;
    i.params += m_projection.parameterCount();
    return i;
}

at::Tensor ProjectedVae::encodeMu(const at::Tensor& x) const {
    const at::Tensor mu = m_base->encodeMu(x);
    return (mu.to(at::kFloat) - m_mean).mm(m_basis);
}

at::Tensor ProjectedVae::decode(const at::Tensor& z) const { return m_base->decode(z.to(at::kFloat).mm(m_basis.t()) + m_mean); }

}  // namespace pareto
