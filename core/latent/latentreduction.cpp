// SPDX-License-Identifier: Apache-2.0
#include "latent/latentreduction.h"

#include "latent/pcafold.h"
#include "model/projectedmodel.h"

namespace pareto {

Result<LatentReduction> reduceLatentPca(const std::shared_ptr<const Model>& model, const LatentStatistics& stats, int64_t k) {
    if (!model) return fail("PCA: no model");
    const int64_t L = model->info().latentDim;
    const LatentReductionSupport support = model->latentReductions();
    if (!support.any()) return fail("PCA: " + support.reason);
    if (stats.latentDim != L)
        return fail("PCA: the latent statistics are for L=" + std::to_string(stats.latentDim) + ", the model has L=" + std::to_string(L));
    auto projection = pcaProjection(stats, k);
    if (!projection) return projection.error();

    LatentReduction r;
    r.originalLatentDim = L;
    r.k = k;
    r.explainedVariance = projection->explainedVariance;
    if (support.fold) {
        auto folded = foldPca(*model, *projection);
        if (!folded) return folded.error();
        r.method = "pca-fold";
        r.model = std::move(*folded);
    } else {
        r.projectionParams = projection->parameterCount();
        auto wrapped = ProjectedModel::create(model, projection->mean, projection->basis);
        if (!wrapped) return wrapped.error();
        r.method = "pca-projection";
        r.model = std::move(*wrapped);
    }
    r.params = r.model->info().params;
    return r;
}

}  // namespace pareto
