// SPDX-License-Identifier: Apache-2.0
#pragma once
// One entry point for the latent slider's training-free answer: the PCA truncation of any
// model at k, folded when the weights allow it, projected otherwise.

#include "common/result.h"
#include "latent/latentstatistics.h"
#include "model/model.h"

#include <cstdint>
#include <memory>
#include <string>

namespace pareto {

/// @brief A model with its latent truncated to k by PCA, and what it costs.
struct LatentReduction {
    std::shared_ptr<const Model> model;  ///< the model at k: folded (a real, smaller model) or projected
    std::string method;                     ///< "pca-fold" or "pca-projection"
    int64_t originalLatentDim = 0;
    int64_t k = 0;
    int64_t params = 0;                     ///< of `model`, projection included
    int64_t projectionParams = 0;           ///< 0 for a fold; L * k + L for a projection
    int64_t fp32Bytes() const { return 4 * params; }
    double explainedVariance = 0;           ///< of mu's variance on the calibration set
};

/// Cheap given `stats` (collected on the model by collectLatentStatistics): folds the PCA into
/// the weights where the model allows it (Model::latentReductions), else puts it between encode
/// and decode (ProjectedModel). Errors: a model that allows neither (its reason), k outside
/// [1, L], statistics of another latent size.
Result<LatentReduction> reduceLatentPca(const std::shared_ptr<const Model>& model, const LatentStatistics& stats,
                                        int64_t k);

}  // namespace pareto
