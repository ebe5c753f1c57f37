// SPDX-License-Identifier: Apache-2.0
#pragma once
// PCA truncation folded into the weights: the result is an ordinary model of the same
// architecture with latent k (Model::foldLatent; TinyVAE's arithmetic is documented there).

#include "common/result.h"
#include "latent/pcaprojection.h"
#include "model/model.h"

#include <memory>

namespace pareto {

/// @brief Folds the projection `p` (from the model's own latent statistics) into `model`'s
/// weights: a separate model at latent k sharing no storage with `model`. Cheap (a few small
/// matrix products): a latent slider can call it per k. Errors: the model cannot fold
/// (Model::latentReductions), or the projection is for another latent size.
Result<std::shared_ptr<const Model>> foldPca(const Model& model, const PcaProjection& p);

}  // namespace pareto
