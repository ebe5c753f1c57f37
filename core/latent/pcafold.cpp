// SPDX-License-Identifier: Apache-2.0
#include "latent/pcafold.h"

namespace pareto {

Result<std::shared_ptr<const Model>> foldPca(const Model& model, const PcaProjection& p) {
    if (!model.latentReductions().fold) return fail(model.describe() + ": its latent cannot be folded into the weights");
    if (p.latentDim != model.info().latentDim)
        return fail("PCA fold: the projection is for latent size " + std::to_string(p.latentDim) + ", the model has L=" +
                    std::to_string(model.info().latentDim));
    return model.foldLatent(p.mean, p.basis);
}

}  // namespace pareto
