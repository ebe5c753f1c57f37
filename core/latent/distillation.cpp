// SPDX-License-Identifier: Apache-2.0
#include "latent/distillation.h"


namespace pareto {

TrainConfig DistillConfig::trainConfig(int64_t k) const {
    TrainConfig t;
    t.latentDim = k;
    t.epochs = epochs;
    t.batchSize = batchSize;
    t.learningRate = learningRate;
    t.beta = beta;
    t.seed = seed;
    t.patience = patience;
    t.teacherWeight = teacherWeight;
    return t;
}

std::string whyNoDistillation(const Model& teacher) {
    if (!teacher.latentReductions().fold)
        return "distillation starts from a PCA folded into the weights, which " + teacher.describe() + " does not allow" +
               (teacher.latentReductions().reason.empty() ? std::string() : " (" + teacher.latentReductions().reason + ")");
    if (!teacher.trainable()) return teacher.describe() + " cannot be trained: " + teacher.notTrainableReason();
    return {};
}

Result<DistillResult> distillStudent(const std::shared_ptr<const Model>& teacher, const LatentStatistics& stats, int64_t k,
                                     const Dataset& train, const Dataset& val, const DistillConfig& config, const ProgressSink& progress) {
    if (!teacher) return fail("distill: no teacher");
    if (const std::string why = whyNoDistillation(*teacher); !why.empty()) return fail("distill: " + why);
    if (stats.latentDim != teacher->info().latentDim)
        return fail("distill: the latent statistics are for L=" + std::to_string(stats.latentDim) + ", the teacher has L=" +
                    std::to_string(teacher->info().latentDim));
    if (!(config.teacherWeight >= 0.0 && config.teacherWeight <= 1.0))
        return fail("distill: teacher weight must be in [0, 1]");
    auto projection = pcaProjection(stats, k);
    if (!projection) return fail("distill: " + projection.error().message);
    auto init = teacher->foldLatent(projection->mean, projection->basis);
    if (!init) return fail("distill: " + init.error().message);
    if (!progress.update(0.0, "distilling a student at k=" + std::to_string(k))) return Error::cancelled();
    auto trained = trainModel(*init, train, val, config.trainConfig(k), progress, teacher.get());
    if (!trained) return trained.error();
    return DistillResult{std::move(*projection), std::move(*init), std::move(*trained), train.identity};
}

}  // namespace pareto
