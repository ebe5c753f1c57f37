// SPDX-License-Identifier: Apache-2.0
#include "latent/pcaprojection.h"

#include <ATen/ATen.h>

namespace pareto {

Result<PcaProjection> pcaProjection(const LatentStatistics& stats, int64_t k) {
    if (!stats.components.defined() || !stats.mean.defined() || stats.latentDim < 1)
        return fail("PCA: latent statistics have not been collected");
    if (k < 1 || k > stats.latentDim)
        return fail("PCA: k must be between 1 and the latent size " + std::to_string(stats.latentDim) + ", got " +
                    std::to_string(k));
    PcaProjection p;
    p.latentDim = stats.latentDim;
    p.k = k;
    p.mean = stats.mean.to(at::kDouble).clone();
    p.basis = stats.components.to(at::kDouble).slice(1, 0, k).contiguous().clone();
    p.explainedVariance = stats.explainedVariance(k);
    return p;
}

}  // namespace pareto
