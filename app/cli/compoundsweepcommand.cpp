// SPDX-License-Identifier: Apache-2.0
// `pareto sweep CKPT ... --latents AXIS`: the latent x bits grid (see runSweep for the rest).
#include "args.h"
#include "common/jsontext.h"
#include "clisupport.h"
#include "commands.h"

#include "common/utf8text.h"
#include "latentoptions.h"
#include "latentvariants.h"

#include "common/atomicfile.h"
#include "compress/schemesweep.h"
#include "data/datasetloader.h"
#include "latent/compoundsweep.h"
#include "latent/distillation.h"
#include "latent/latentreduction.h"
#include "model/modelloader.h"

#include <cmath>
#include <cstdio>

namespace pareto::cli {
namespace {

nlohmann::json nullable(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json rowJson(const CompoundRow& r, int64_t originalFp32Bytes) {
    return {{"method", r.method},
            {"k", r.k},
            {"seed", r.seed ? nlohmann::json(*r.seed) : nlohmann::json(nullptr)},
            {"scheme", r.scheme},
            {"explained_variance", nullable(r.explainedVariance)},
            {"size", toJson(r.size)},
            {"ratio_vs_original", ratioVsOriginal(originalFp32Bytes, r.size.bytes)},
            {"mse", toJson(r.metrics.mse)},
            {"psnr", toJson(r.metrics.psnr)},
            {"ssim", toJson(r.metrics.ssim)},
            {"delta_vs_original", deltasToJson(r.deltaVsOriginal)},
            {"reference", r.reference},
            {"untrained_warning", r.untrainedWarning},
            {"pareto", r.pareto}};
}

std::string csv(const CompoundSweep& s, int64_t originalFp32Bytes) {
    std::string out =
        "method,k,seed,scheme,params,bytes,fp32_bytes,ratio,ratio_vs_original,effective_bits_per_param,explained_variance," + csvMetricColumns() +
        ",pareto\n";
    for (const auto& r : s.rows) {
        out += r.method + "," + std::to_string(r.k) + "," + (r.seed ? std::to_string(*r.seed) : "") + "," + r.scheme + "," +
               std::to_string(r.size.params) + "," + std::to_string(r.size.bytes) + "," + std::to_string(r.size.fp32Bytes) + "," +
               csvNumber(r.size.ratio) + "," + csvNumber(ratioVsOriginal(originalFp32Bytes, r.size.bytes)) + "," +
               csvNumber(r.size.effectiveBitsPerParam) + "," + csvNumber(r.explainedVariance) + "," +
               csvEstimate(r.metrics.mse) + "," + csvEstimate(r.metrics.psnr) + "," + csvEstimate(r.metrics.ssim) + "," + csvDelta(r.deltaVsOriginal.mse) + "," +
               csvDelta(r.deltaVsOriginal.psnr) + "," + csvDelta(r.deltaVsOriginal.ssim) + "," + (r.pareto ? "true" : "false") + "\n";
    }
    return out;
}

}  // namespace

int runCompoundSweep(const Args& args, const std::vector<QuantPlan>& plans) {
    auto axis = parseLatentAxis(*args.value("latents"));
    if (!axis) {
        std::fprintf(stderr, "pareto sweep: %s\n", axis.error().message.c_str());
        return kExitUsage;
    }
    Args a = args;  // intOr/doubleOr record errors
    const long long limit = a.intOr("limit", -1), batch = a.intOr("batch-size", 64);
    auto settings = LatentVariantSettings::fromArgs(a);
    if (!settings) {
        std::fprintf(stderr, "pareto sweep: %s\n", settings.error().message.c_str());
        return kExitUsage;
    }
    for (const auto& item : *axis)
        if (item.method == LatentMethod::Trained && !settings->catalog) {
            std::fprintf(stderr, "pareto sweep: --latents trained:K needs --catalog DIR (or --catalog demo)\n");
            return kExitUsage;
        }

    auto inputs = loadCommandInputs(a, limit, a.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    const LoadedModel* loaded = &inputs->loaded;

    const ProgressSink progress = stderrProgress(a.flag("quiet"));
    const DatasetLoadOptions& modelOptions = inputs->modelOptions;
    auto images = loadEvaluationImages(*inputs, progress.sub(0.0, 0.05));
    if (!images) return reportError(images.error());
    Dataset* data = &images->data;
    MeanImage* mean = &images->mean;
    auto built = buildLatentVariants(*axis, *loaded, *spec, modelOptions, *settings, "--latents", progress.sub(0.05, 0.48));
    if (!built) return reportError(built.error());
    for (const auto& w : built->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
    const std::vector<LatentVariant>& variants = built->variants;

    auto grid = sweepCompound(loaded->model, variants, plans, *data, *mean, static_cast<int>(batch), progress.sub(0.48, 1.0));
    if (!grid) return reportError(grid.error());
    for (const auto& w : grid->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());

    const int64_t originalBytes = grid->rows.front().size.bytes;  // the reference row: the original in FP32
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : grid->rows) rows.push_back(rowJson(r, originalBytes));
    const std::string prefix = *a.value("out");
    if (auto st = writeFileAtomic(prefix + ".csv", csv(*grid, originalBytes)); !st) return reportError(st.error());
    if (auto st = writeFileAtomic(prefix + ".json", dumpJson(rows, 2) + "\n"); !st) return reportError(st.error());

    const ModelEvaluation& ref = grid->original;
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& v : variants) sources.push_back({{"method", v.method}, {"k", v.k}, {"source", v.source}});
    if (a.flag("json")) {
        nlohmann::json j = {{"checkpoint", loaded->path},
                   {"data", {{"identity", ref.dataIdentity}, {"notes", ref.dataNotes}}},
                   {"n", ref.n()},
                   {"calibration", {{"data", built->calibrationIdentity}, {"n", built->calibrationImages}}},
                   {"latents", sources},
                   {"csv", prefix + ".csv"},
                   {"json", prefix + ".json"},
                   {"untrained_warning", ref.untrained.warning},
                   {"warnings", grid->warnings},
                   {"rows", rows}};
        addModelJson(j, ref.model);
        printJson(j);
        return kExitOk;
    }
    std::printf("model     %s (%s, %lld params)\n", printableText(loaded->path).c_str(), printableText(loaded->model->describe()).c_str(),
                static_cast<long long>(ref.model.params));
    std::printf("data      %s\n", ref.dataIdentity.c_str());
    for (const auto& n : ref.dataNotes) std::printf("          %s\n", n.c_str());
    if (built->calibrationImages > 0)
        std::printf("PCA       statistics of mu on %s (%lld images)\n", built->calibrationIdentity.c_str(),
                    static_cast<long long>(built->calibrationImages));
    for (const auto& v : variants)
        if (v.method != "pca") std::printf("%-9s k=%lld: %s\n", v.method.c_str(), static_cast<long long>(v.k), v.source.c_str());
    std::printf("n         %lld images, 95 %% bootstrap CIs; delta = point - original FP32 per image, paired\n\n",
                static_cast<long long>(ref.n()));
    std::printf("  %-14s %-12s %9s %7s %6s  %-32s %-34s %s\n", "latent", "scheme", "bytes", "x orig", "bits", "MSE", "delta MSE", "PSNR");
    for (const auto& r : grid->rows) {
        const std::string latent = r.method + ":" + std::to_string(r.k);
        const std::string d = r.reference ? "(reference)" : formatEstimate(r.deltaVsOriginal.mse.estimate, 3) + (r.deltaVsOriginal.mse.significant ? "" : " ns");
        std::printf("%s%s%-14s %-12s %9lld %6.2fx %6.2f  %-32s %-34s %.3f\n", r.pareto ? "*" : " ", r.untrainedWarning ? "!" : " ", latent.c_str(), r.scheme.c_str(),
                    static_cast<long long>(r.size.bytes), static_cast<double>(originalBytes) / static_cast<double>(r.size.bytes), r.size.effectiveBitsPerParam, formatEstimate(r.metrics.mse, 4).c_str(),
                    d.c_str(), r.metrics.psnr.mean);
    }
    std::printf("\n* on the Pareto front of (bytes, mean MSE) across latent sizes and schemes; ns: not significant\n");
    bool anyUntrained = false;
    for (const auto& r : grid->rows) anyUntrained = anyUntrained || r.untrainedWarning;
    if (anyUntrained) std::printf("! not clearly better than the mean image (%s): an untrained-looking point\n", ref.baselineSource.c_str());
    std::printf("x orig = the original model's FP32 bytes / this point's bytes; bits = 8 x bytes / this point's parameters\n");
    if (ref.untrained.warning) std::printf("WARNING   %s\n", ref.untrained.reason.c_str());
    std::printf("wrote     %s.csv, %s.json\n", prefix.c_str(), prefix.c_str());
    return kExitOk;
}

}  // namespace pareto::cli
