// SPDX-License-Identifier: Apache-2.0
#pragma once
// A distilled student measured against the fold it started from and models trained from
// scratch at the same k: the gap it recovers. One workflow for `pareto latent --method
// distill` and the studio's *Distill at k*.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/evaluator.h"
#include "latent/distillation.h"
#include "latent/gaprecovered.h"
#include "latent/latentstatistics.h"
#include "model/model.h"

#include <memory>
#include <string>
#include <vector>

namespace pareto {

/// @brief A model trained from scratch at k (one seed), the far end of the gap.
struct ScratchModel {
    std::string source;
    std::shared_ptr<const Model> model;
};

/// @brief The student and every measurement of it, on the same held-out images.
struct DistillationStudy {
    DistillResult distilled;             ///< the student, its PCA fold start and its training
    PerImageMetrics pca;                 ///< the PCA fold it started from
    PerImageMetrics student;
    std::vector<PerImageMetrics> scratch;  ///< one per scratch model, in order
    std::vector<std::string> scratchSources;
    PerImageMetrics scratchMean;         ///< per image, the mean over the scratch models (empty without)
    GapRecovered gap;                    ///< defined only with scratch models and a gap to recover
};

/// Distils `teacher` at k (distillStudent on train/val), then measures the PCA fold, the
/// student and every scratch model on `evaluation` and computes the gap recovered. Errors:
/// as distillStudent, a scratch model of another latent size or input. Cancellable.
Result<DistillationStudy> distillWithGap(const std::shared_ptr<const Model>& teacher, const LatentStatistics& statistics, int64_t k,
                                         const Dataset& train, const Dataset& val, const DistillConfig& config,
                                         const Dataset& evaluation, const std::vector<ScratchModel>& scratch, int batchSize = 64,
                                         const ProgressSink& progress = {});

}  // namespace pareto
