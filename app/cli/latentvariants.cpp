// SPDX-License-Identifier: Apache-2.0
#include "latentvariants.h"

#include "clisupport.h"

#include "latent/latentstatistics.h"
#include "latent/latentvariantbuilder.h"

#include <memory>

namespace pareto::cli {

const std::set<std::string>& latentVariantValueOptions() {
    static const std::set<std::string> opts{"calib-limit", "catalog", "epochs", "teacher-weight", "lr", "seed", "train-limit", "val-limit"};
    return opts;
}

Result<LatentVariantSettings> LatentVariantSettings::fromArgs(Args& a) {
    LatentVariantSettings s;
    s.calibLimit = a.intOr("calib-limit", kDefaultCalibrationLimit);
    s.trainLimit = a.intOr("train-limit", -1);
    s.valLimit = a.intOr("val-limit", 2000);
    s.distill.epochs = static_cast<int>(a.intOr("epochs", s.distill.epochs));
    s.distill.teacherWeight = a.doubleOr("teacher-weight", s.distill.teacherWeight);
    s.distill.learningRate = a.doubleOr("lr", s.distill.learningRate);
    s.distill.seed = static_cast<uint64_t>(a.intOr("seed", static_cast<long long>(s.distill.seed)));
    s.distill.batchSize = static_cast<int>(a.intOr("batch-size", 64));
    s.catalog = a.value("catalog");
    if (!a.ok()) return fail(a.error());
    if (s.distill.epochs < 1) return fail("--epochs must be positive");
    if (s.calibLimit == 0 || s.calibLimit == 1) return fail("--calib-limit must be at least 2");
    return s;
}

Result<LatentVariants> buildLatentVariants(const std::vector<LatentChoice>& axis, const LoadedModel& loaded,
                                           const DataSpec& spec, const DatasetLoadOptions& modelOptions,
                                           const LatentVariantSettings& settings, const std::string& option,
                                           const ProgressSink& progress) {
    const ModelInfo info = loaded.model->info();
    bool needsStats = false, needsCatalog = false, needsDistill = false;
    for (const auto& item : axis) {
        if (const std::string why = whyNoLatentMethod(item.method, *loaded.model); !why.empty())
            return fail(option + " " + item.id() + ": " + why);
        needsStats = needsStats || item.method == LatentMethod::Pca || item.method == LatentMethod::Distilled;
        needsCatalog = needsCatalog || item.method == LatentMethod::Trained;
        needsDistill = needsDistill || item.method == LatentMethod::Distilled;
        if (item.method != LatentMethod::Trained && item.k > info.latentDim)
            return fail(option + " " + item.id() + " is larger than the model's latent size " + std::to_string(info.latentDim));
    }
    if (needsCatalog && !settings.catalog) return fail(option + " trained:K needs --catalog DIR (or --catalog demo)");

    LatentVariants out;
    LatentVariantSources sources;
    sources.original = loaded.model;
    sources.originalPath = loaded.path;
    sources.distill = settings.distill;
    sources.loadOptions = cliLoadOptions();
    if (needsStats) {
        auto calib = loadCalibration(spec, modelOptions, settings.calibLimit, progress.sub(0.0, 0.1));
        if (!calib) return calib.error();
        auto s = collectLatentStatistics(*loaded.model, *calib, 256, progress.sub(0.1, 0.3));
        if (!s) return s.error();
        out.calibrationIdentity = calib->identity;
        out.calibrationImages = s->n;
        sources.statistics = std::make_shared<const LatentStatistics>(std::move(*s));
    }
    if (needsDistill) {
        DatasetLoadOptions o = modelOptions;
        o.split = Split::Train;
        o.limit = settings.trainLimit;
        auto t = loadDataset(spec, o, progress.sub(0.3, 0.33));
        if (!t) return t.error();
        o.split = Split::Validation;
        o.limit = settings.valLimit;
        auto v = loadDataset(spec, o, progress.sub(0.33, 0.35));
        if (!v) return v.error();
        sources.train = std::make_shared<const Dataset>(std::move(*t));
        sources.val = std::make_shared<const Dataset>(std::move(*v));
    }
    std::optional<LatentCatalog> catalog;
    if (needsCatalog) {
        catalog = catalogFromArg(*settings.catalog);
        out.warnings = catalog->warnings();
        sources.catalog = &*catalog;
    }

    const double perItem = 0.65 / static_cast<double>(axis.empty() ? 1 : axis.size());
    for (size_t i = 0; i < axis.size(); ++i) {
        const ProgressSink step = progress.sub(0.35 + perItem * i, 0.35 + perItem * (i + 1));
        if (!step.update(0.0, axis[i].id())) return Error::cancelled();
        auto v = buildLatentVariant(axis[i], sources, step);
        if (!v) return v.error().isCancelled() ? v.error() : fail(option + " " + v.error().message);
        out.variants.push_back(std::move(*v));
    }
    return out;
}

}  // namespace pareto::cli
