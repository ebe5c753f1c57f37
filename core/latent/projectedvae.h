#pragma once

#include "latent/pcaprojection.h"
#include "model/vaemodel.h"

#include <ATen/core/Tensor.h>

#include <memory>

namespace pareto {

/// @brief A PCA truncation for models whose weights cannot be folded (TorchScript): the
/// projection runs between the base model's encode and decode.
///
/// encodeMu(x) = B^T (base.encodeMu(x) - m) in R^k, decode(z') = base.decode(m + B z').
/// Its size counts the base model's parameters plus the stored projection (L * k basis
/// floats + L mean floats, PcaProjection::parameterCount()): a projection adds bytes, it
/// only narrows the latent code. Immutable; shares the base model (read-only), never
/// changes it.
class ProjectedVae : public VaeModel {
public:
    /// Errors: a projection whose L differs from the base model's latent size.
    static Result<std::shared_ptr<ProjectedVae>> create(std::shared_ptr<const VaeModel> base, PcaProjection projection);

    /// arch "<base arch>+pca", latent k, params = base params + projection params.
    ModelInfo info() const override;
    at::Tensor encodeMu(const at::Tensor& x) const override;
    at::Tensor decode(const at::Tensor& z) const override;

    const PcaProjection& projection() const { return m_projection; }
    const VaeModel& base() const { return *m_base; }

private:
    ProjectedVae(std::shared_ptr<const VaeModel> base, PcaProjection projection);

    std::shared_ptr<const VaeModel> m_base;
    PcaProjection m_projection;
    at::Tensor m_basis;  // [L, k] float32
    at::Tensor m_mean;   // [L] float32
};

}  // namespace pareto
