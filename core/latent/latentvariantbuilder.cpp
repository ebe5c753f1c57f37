// SPDX-License-Identifier: Apache-2.0
#include "latent/latentvariantbuilder.h"

#include "latent/latentreduction.h"
#include "model/modelloader.h"

namespace pareto {

std::vector<CatalogEntry> catalogModelsFor(const LatentCatalog& catalog, const ModelInfo& original, int64_t k) {
    std::vector<CatalogEntry> out;
    for (const auto& e : catalog.entriesFor(k))
        if (e.arch == original.arch && !original.inputShape.empty() && e.channels == original.inputShape[0]) out.push_back(e);
    return out;
}

Result<std::shared_ptr<const Model>> loadTrainedModel(const std::string& path, int64_t k, const ModelInfo& original,
                                                      const CheckpointLoadOptions& options) {
    auto m = loadModel(path, options);
    if (!m) return m.error();
    const ModelInfo info = m->model->info();
    if (info.latentDim != k)
        return fail(path + ": a model for k=" + std::to_string(k) + " has latent size " + std::to_string(info.latentDim));
    if (info.inputShape != original.inputShape || info.arch != original.arch)
        return fail(path + ": a " + info.arch + " for another input than the open " + original.arch + "'s");
    return m->model;
}

std::string whyNoLatentMethod(LatentMethod method, const Model& original) {
    const LatentReductionSupport support = original.latentReductions();
    switch (method) {
        case LatentMethod::Original: return {};
        case LatentMethod::Pca: return support.any() ? std::string() : support.reason;
        case LatentMethod::Distilled: return whyNoDistillation(original);
        case LatentMethod::Trained:
            return original.info().latent.kind == LatentKind::None ? support.reason : std::string();
    }
    return {};
}

Result<LatentVariant> buildLatentVariant(const LatentChoice& choice, const LatentVariantSources& s, const ProgressSink& progress,
                                         DistillResult* distilled) {
    if (!s.original) return fail("latent: no model");
    const ModelInfo info = s.original->info();
    const std::string what = choice.id();
    if (const std::string why = whyNoLatentMethod(choice.method, *s.original); !why.empty()) return fail(what + ": " + why);
    if (choice.k < 1) return fail(what + ": the latent size must be positive");
    LatentVariant v;
    v.method = latentMethodId(choice.method);
    v.k = choice.k;
    switch (choice.method) {
        case LatentMethod::Original:
            v.model = s.original;
            v.k = info.latentDim;
            v.source = s.originalPath;
            return v;
        case LatentMethod::Pca: {
            if (choice.k > info.latentDim)
                return fail(what + " is larger than the model's latent size " + std::to_string(info.latentDim));
            if (!s.statistics) return fail(what + ": the latent statistics are not collected");
            auto r = reduceLatentPca(s.original, *s.statistics, choice.k);
            if (!r) return fail(what + ": " + r.error().message);
            v.model = r->model;
            v.explainedVariance = r->explainedVariance;
            v.source = r->method + " of " + s.originalPath + " on " + s.statistics->dataIdentity;
            return v;
        }
        case LatentMethod::Distilled: {
            if (choice.k > info.latentDim)
                return fail(what + " is larger than the model's latent size " + std::to_string(info.latentDim));
            if (!s.statistics || !s.train || !s.val) return fail(what + ": distillation needs the latent statistics and training images");
            auto d = distillStudent(s.original, *s.statistics, choice.k, *s.train, *s.val, s.distill, progress);
            if (!d) return d.error();
            v.model = d->student();
            v.seed = s.distill.seed;
            v.explainedVariance = d->projection.explainedVariance;
            v.source = "student at k=" + std::to_string(choice.k) + " distilled from " + s.originalPath + ", initialised by its PCA fold, " +
                       std::to_string(d->training.history.size()) + " epochs on " + s.train->identity;
            if (distilled) *distilled = std::move(*d);
            return v;
        }
        case LatentMethod::Trained: {
            if (!s.catalog) return fail(what + ": no catalog of trained models");
            const std::vector<CatalogEntry> entries = catalogModelsFor(*s.catalog, info, choice.k);
            const CatalogEntry* entry = nullptr;
            for (const auto& e : entries)
                if (!choice.seed || e.seed == choice.seed) {
                    entry = &e;
                    break;
                }
            if (!entry)
                return fail(what + ": the catalog has no trained " + info.arch + " at k=" + std::to_string(choice.k) +
                            (choice.seed ? " with seed " + std::to_string(*choice.seed) : std::string()) + " for a " +
                            std::to_string(info.inputShape.empty() ? 0 : info.inputShape[0]) + "-channel input");
            auto m = loadTrainedModel(entry->path, choice.k, info, s.loadOptions);
            if (!m) return m.error();
            v.model = *m;
            v.seed = entry->seed;
            v.source = entry->path;
            return v;
        }
    }
    return fail(what + ": unknown method");
}

}  // namespace pareto
