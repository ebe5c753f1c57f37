// SPDX-License-Identifier: Apache-2.0
#pragma once
// One way to make the model of a latent choice, for `pareto sweep --latents`, `pareto export
// --latent`, the studio's latent slider and its latent x bits grid.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "io/checkpoint.h"
#include "latent/compoundsweep.h"
#include "latent/distillation.h"
#include "latent/latentcatalog.h"
#include "latent/latentchoice.h"
#include "latent/latentstatistics.h"
#include "model/model.h"

#include <memory>
#include <string>
#include <vector>

namespace pareto {

/// @brief What building a latent variant may need; each only for the methods that use it.
struct LatentVariantSources {
    std::shared_ptr<const Model> original;               ///< the model as loaded
    std::string originalPath;                            ///< for provenance text
    std::shared_ptr<const LatentStatistics> statistics;  ///< PCA and distillation (collected on training images)
    std::shared_ptr<const Dataset> train, val;           ///< distillation
    DistillConfig distill;
    const LatentCatalog* catalog = nullptr;              ///< trained models
    CheckpointLoadOptions loadOptions;                   ///< opening catalog checkpoints
};

/// The catalog's trained models that can stand in for `original` at latent size k: same
/// architecture and input shape, seeds ascending.
std::vector<CatalogEntry> catalogModelsFor(const LatentCatalog& catalog, const ModelInfo& original, int64_t k);

/// Opens a trained checkpoint as a model at k for `original`'s input; errors name the file
/// when it is of another latent size, architecture or input shape.
Result<std::shared_ptr<const Model>> loadTrainedModel(const std::string& path, int64_t k, const ModelInfo& original,
                                                      const CheckpointLoadOptions& options = {});

/// Why `method` cannot make models for `original` ("" when it can).
std::string whyNoLatentMethod(LatentMethod method, const Model& original);

/// The model of `choice`: a PCA truncation (reduceLatentPca: folded or projected), a student
/// distilled at k (distillStudent; its full result in *distilled when given), or the catalog's
/// model at k with `choice.seed` (the lowest seed when none). Errors name the choice and the
/// reason: k beyond the latent, a method the model cannot take (its reason), missing sources.
/// Cancellable (distillation per batch).
Result<LatentVariant> buildLatentVariant(const LatentChoice& choice, const LatentVariantSources& sources,
                                         const ProgressSink& progress = {}, DistillResult* distilled = nullptr);

}  // namespace pareto
