#include "latent/distillation.h"

#include "latent/pcafold.h"

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

Result<DistillResult> distillStudent(const TinyVae& teacher, const LatentStatistics& stats, int64_t k, const Dataset& train,
                                     const Dataset& val, const DistillConfig& config, const ProgressSink& progress) {
    if (stats.latentDim != teacher.config().latentDim)
        return fail("distill: the latent statistics are for L=" + std::to_string(stats.latentDim) + ", the teacher has L=" +
                    std::to_string(teacher.config().latentDim));
    if (!(config.teacherWeight >= 0.0 && config.teacherWeight <= 1.0))
        return fail("distill: teacher weight must be in [0, 1]");
    auto projection = pcaProjection(stats, k);
    if (!projection) return fail("distill: " + projection.error().message);
    auto init = foldPca(teacher, *projection);
    if (!init) return fail("distill: " + init.error().message);
    if (!progress.update(0.0, "distilling a student at k=" + std::to_string(k))) return Error::cancelled();
    auto trained = trainTinyVae(train, val, config.trainConfig(k), progress, *init, &teacher);
    if (!trained) return trained.error();
    return DistillResult{std::move(*projection), std::move(*init), std::move(*trained), train.identity};
}

}  // namespace pareto
