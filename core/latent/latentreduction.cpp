#include "latent/latentreduction.h"

#include "latent/pcafold.h"
#include "latent/projectedvae.h"
#include "model/tinyvae.h"

namespace pareto {

Result<LatentReduction> reduceLatentPca(const std::shared_ptr<const VaeModel>& model, const LatentStatistics& stats,
                                        int64_t k) {
    if (!model) return fail("PCA: no model");
    const int64_t L = model->info().latentDim;
    if (stats.latentDim != L)
        return fail("PCA: the latent statistics are for L=" + std::to_string(stats.latentDim) + ", the model has L=" +
                    std::to_string(L));
    auto projection = pcaProjection(stats, k);
    if (!projection) return projection.error();

    LatentReduction r;
    r.originalLatentDim = L;
    r.k = k;
    r.explainedVariance = projection->explainedVariance;
    if (const auto* tiny = dynamic_cast<const TinyVae*>(model.get())) {
        auto folded = foldPca(*tiny, *projection);
        if (!folded) return folded.error();
        r.method = "pca-fold";
        r.model = std::make_shared<TinyVae>(std::move(*folded));
    } else {
        r.projectionParams = projection->parameterCount();
        auto wrapped = ProjectedVae::create(model, std::move(*projection));
        if (!wrapped) return wrapped.error();
        r.method = "pca-projection";
        r.model = std::move(*wrapped);
    }
    r.params = r.model->info().params;
    return r;
}

}  // namespace pareto
