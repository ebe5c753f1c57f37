// SPDX-License-Identifier: Apache-2.0
#pragma once
// The models at smaller latent sizes that `sweep --latents` and `export --latent` ask for:
// one builder, so both commands derive a "pca:8" or "trained:8" model the same way.

#include "args.h"
#include "latentoptions.h"

#include "common/progress.h"
#include "common/result.h"
#include "data/dataspec.h"
#include "data/datasetloader.h"
#include "latent/compoundsweep.h"
#include "latent/distillation.h"
#include "latent/latentchoice.h"
#include "model/modelloader.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pareto::cli {

/// The options of the latent axis shared by `sweep --latents` and `export --latent`.
const std::set<std::string>& latentVariantValueOptions();

/// @brief How the latent variants are derived (from the command line).
struct LatentVariantSettings {
    long long calibLimit = kDefaultCalibrationLimit;  ///< PCA statistics: first N training images
    long long trainLimit = -1;                         ///< distillation: training images (< 0 all)
    long long valLimit = 2000;                         ///< distillation: validation images
    DistillConfig distill;
    std::optional<std::string> catalog;                ///< `trained:K`: a folder, a file or "demo"

    /// Reads --calib-limit, --train-limit, --val-limit, --epochs, --teacher-weight, --lr,
    /// --seed, --catalog and --batch-size from `args` (recording number errors there).
    static Result<LatentVariantSettings> fromArgs(Args& args);
};

/// @brief The variants and what they were derived from.
struct LatentVariants {
    std::vector<LatentVariant> variants;  ///< in the order of the axis
    std::string calibrationIdentity;      ///< the PCA statistics' images
    int64_t calibrationImages = 0;
    std::vector<std::string> warnings;    ///< catalog findings
};

/// Loads what the axis needs (statistics of mu over the training split for pca and distill,
/// training images for distill, the catalog for trained) and builds every item with core's
/// buildLatentVariant. `option` ("--latents", "--latent") starts the messages. Cancellable.
Result<LatentVariants> buildLatentVariants(const std::vector<LatentChoice>& axis, const LoadedModel& loaded,
                                           const DataSpec& spec, const DatasetLoadOptions& modelOptions,
                                           const LatentVariantSettings& settings, const std::string& option,
                                           const ProgressSink& progress);

}  // namespace pareto::cli
