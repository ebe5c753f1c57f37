#include "latentvariants.h"

#include "clisupport.h"

#include "latent/latentreduction.h"
#include "latent/latentstatistics.h"
#include "model/tinyvae.h"

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

Result<LatentVariants> buildLatentVariants(const std::vector<LatentAxisItem>& axis, const LoadedModel& loaded,
                                           const DataSpec& spec, const DatasetLoadOptions& modelOptions,
                                           const LatentVariantSettings& settings, const std::string& option,
                                           const ProgressSink& progress) {
    const ModelInfo info = loaded.model->info();
    bool needsStats = false, needsCatalog = false, needsDistill = false;
    for (const auto& item : axis) {
        needsStats = needsStats || item.method != "trained";
        needsCatalog = needsCatalog || item.method == "trained";
        needsDistill = needsDistill || item.method == "distill";
        if (item.method != "trained" && item.k > info.latentDim)
            return fail(option + " " + item.method + ":" + std::to_string(item.k) + " is larger than the model's latent size " + std::to_string(info.latentDim));
    }
    const auto* teacher = dynamic_cast<const TinyVae*>(loaded.model.get());
    if (needsDistill && !teacher)
        return fail(loaded.path + ": distillation needs TinyVAE weights (a " + info.arch + " model was given)");
    if (needsCatalog && !settings.catalog) return fail(option + " trained:K needs --catalog DIR (or --catalog demo)");

    LatentVariants out;
    std::optional<LatentStatistics> stats;
    if (needsStats) {
        auto calib = loadCalibration(spec, modelOptions, settings.calibLimit, progress.sub(0.0, 0.1));
        if (!calib) return calib.error();
        auto s = collectLatentStatistics(*loaded.model, *calib, 256, progress.sub(0.1, 0.3));
        if (!s) return s.error();
        out.calibrationIdentity = calib->identity;
        out.calibrationImages = s->n;
        stats = std::move(*s);
    }
    std::optional<Dataset> train, val;
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
        train = std::move(*t);
        val = std::move(*v);
    }
    std::optional<LatentCatalog> catalog;
    if (needsCatalog) {
        catalog = catalogFromArg(*settings.catalog);
        out.warnings = catalog->warnings();
    }

    const double perItem = 0.65 / static_cast<double>(axis.empty() ? 1 : axis.size());
    for (size_t i = 0; i < axis.size(); ++i) {
        const LatentAxisItem& item = axis[i];
        const ProgressSink step = progress.sub(0.35 + perItem * i, 0.35 + perItem * (i + 1));
        if (!step.update(0.0, item.method + ":" + std::to_string(item.k))) return Error::cancelled();
        LatentVariant v;
        v.method = item.method;
        v.k = item.k;
        if (item.method == "pca") {
            auto r = reduceLatentPca(loaded.model, *stats, item.k);
            if (!r) return r.error();
            v.model = r->model;
            v.explainedVariance = r->explainedVariance;
            v.source = r->method + " of " + loaded.path + " on " + out.calibrationIdentity;
        } else if (item.method == "distill") {
            auto d = distillStudent(*teacher, *stats, item.k, *train, *val, settings.distill, step);
            if (!d) return d.error();
            v.model = std::make_shared<TinyVae>(d->student());
            v.seed = settings.distill.seed;
            v.explainedVariance = d->projection.explainedVariance;
            v.source = "student at k=" + std::to_string(item.k) + " distilled from " + loaded.path + ", initialised by its PCA fold, " +
                       std::to_string(d->training.history.size()) + " epochs on " + train->identity;
        } else {
            std::vector<CatalogEntry> entries;
            for (const auto& e : catalog->entriesFor(item.k))
                if (e.channels == info.inputShape[0]) entries.push_back(e);
            if (entries.empty())
                return fail(option + " trained:" + std::to_string(item.k) + ": the catalog has no trained model at k=" + std::to_string(item.k) + " with " +
                            std::to_string(info.inputShape[0]) + " channels");
            // The lowest seed: one trained model per point (`pareto catalog` shows them all).
            auto m = loadCliModel(entries.front().path);
            if (!m) return m.error();
            v.model = m->model;
            v.seed = entries.front().seed;
            v.source = entries.front().path;
        }
        out.variants.push_back(std::move(v));
    }
    return out;
}

}  // namespace pareto::cli
