// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"
#include "latentoptions.h"

#include "common/hash.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/safetensors.h"
#include "latent/distillation.h"
#include "latent/gaprecovered.h"
#include "latent/latentreduction.h"
#include "latent/distillationstudy.h"
#include "latent/latentvariantbuilder.h"
#include "model/modelloader.h"


#include <ATen/ATen.h>

#include <cstdio>
#include <sstream>

namespace pareto::cli {
namespace {

const char* kLatentHelp =
    "usage: pareto latent CKPT --data SPEC --k K [--method pca|distill] [--out FILE]\n"
    "                     [--split S] [--limit N] [--calib-limit N] [--batch-size N]\n"
    "                     [--scratch CKPT[,CKPT...]] [--catalog DIR|demo] [--json] [--quiet]\n"
    "       distill only: [--epochs N] [--lr X] [--beta X] [--teacher-weight W] [--seed N]\n"
    "                     [--patience N] [--train-limit N] [--val-limit N]\n"
    "\n"
    "Shrinks the latent of CKPT to K dimensions and measures the result beside the original\n"
    "on the same held-out images (paired per image, 95 % bootstrap CIs).\n"
    "\n"
    "  pca      collect mu over training images (the calibration set), keep the top K\n"
    "           principal directions and fold them into the weights where the model allows\n"
    "           it: a TinyVAE becomes an ordinary TinyVAE with latent K (31,073 + 12,290 K\n"
    "           parameters for 3 channels). Other models keep their weights and get the\n"
    "           projection between encode and decode instead; its L*K + L floats are\n"
    "           counted. A spatial latent [C, h, w] is reduced in C (a PCA over the\n"
    "           C-vectors of every position). A forward-only model has no latent: refused.\n"
    "  distill  start from that fold and fine-tune it for a few epochs against the\n"
    "           original's reconstructions and the data: loss per image =\n"
    "           (1-w) SSE(x_hat, x) + w SSE(x_hat, teacher(x)) + beta KL, w = --teacher-weight.\n"
    "           With a model trained from scratch at K (--scratch, or the catalog), reports\n"
    "           the gap recovered = (mse_pca - mse_student) / (mse_pca - mse_scratch).\n"
    "\n"
    "  --data SPEC        fashion-mnist[:DIR] | cifar10:DIR | folder:DIR\n"
    "  --k K              the new latent size, 1..L\n"
    "  --method M         pca (default) | distill\n"
    "  --out FILE         write the result as safetensors (TinyVAE: the folded/distilled\n"
    "                     model; TorchScript: the projection pca.basis [L,K], pca.mean [L])\n"
    "  --split S, --limit N  the evaluated images (default: the test split / every image)\n"
    "  --calib-limit N    first N training images for the statistics (default 10000)\n"
    "  --scratch LIST     checkpoints trained from scratch at K (seeds): their MSE on the same\n"
    "                     images, and the gap recovered by a distilled student\n"
    "  --catalog DIR      take the scratch models at K from a catalog folder ('demo': the\n"
    "                     demo's latent models) when --scratch is not given\n"
    "  --epochs N         distill: at most N epochs (default 3); --patience N (default 2)\n"
    "  --lr X             distill: default 5e-4; --beta X default 1; --seed N default 1\n"
    "  --teacher-weight W distill: weight of the teacher's reconstruction, 0..1 (default 0.5)\n"
    "  --train-limit N    distill: first N training images (default all); --val-limit N\n"
    "                     validation images for early stopping (default 2000)\n"
    "  --json             machine-readable output (keys in the README)\n"
    "  --quiet            no progress on stderr\n";

nlohmann::json summaryJson(const MetricSummary& s) { return toJson(s); }

void printDelta(const char* name, const DeltaEstimate& d) {
    std::printf("  %-10s %-34s %s\n", name, formatEstimate(d.estimate, 3).c_str(),
                d.significant ? "significant" : "not significant (CI crosses 0)");
}

std::string fmt6(double x) {
    std::ostringstream o;
    o.precision(6);
    o << x;
    return o.str();
}

}  // namespace

int runLatent(const std::vector<std::string>& argv) {
    Args args(argv,
              {"data", "k", "method", "out", "split", "limit", "calib-limit", "batch-size", "scratch", "catalog", "epochs",
               "lr", "beta", "teacher-weight", "seed", "patience", "train-limit", "val-limit"},
              {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::fputs(kLatentHelp, stdout);
        return kExitOk;
    }
    const long long k = args.intOr("k", 0), limit = args.intOr("limit", -1), batch = args.intOr("batch-size", 64);
    const long long calibLimit = args.intOr("calib-limit", kDefaultCalibrationLimit);
    const long long trainLimit = args.intOr("train-limit", -1), valLimit = args.intOr("val-limit", 2000);
    DistillConfig dc;
    dc.epochs = static_cast<int>(args.intOr("epochs", dc.epochs));
    dc.learningRate = args.doubleOr("lr", dc.learningRate);
    dc.beta = args.doubleOr("beta", dc.beta);
    dc.teacherWeight = args.doubleOr("teacher-weight", dc.teacherWeight);
    dc.seed = static_cast<uint64_t>(args.intOr("seed", static_cast<long long>(dc.seed)));
    dc.patience = static_cast<int>(args.intOr("patience", dc.patience));
    dc.batchSize = static_cast<int>(batch);
    const std::string method = args.valueOr("method", "pca");
    std::string why;
    if (!args.ok()) why = args.error();
    else if (args.positional().size() != 1) why = "expected one checkpoint path";
    else if (!args.value("data")) why = "--data is required";
    else if (!args.value("k")) why = "--k is required";
    else if (k < 1) why = "--k must be positive";
    else if (method != "pca" && method != "distill") why = "--method must be pca or distill, got '" + method + "'";
    else if (batch < 1 || dc.epochs < 1) why = "--batch-size and --epochs must be positive";
    else if (!(dc.teacherWeight >= 0 && dc.teacherWeight <= 1)) why = "--teacher-weight must be in [0, 1]";
    else if (calibLimit == 0 || calibLimit == 1) why = "--calib-limit must be at least 2";
    if (!why.empty()) {
        std::fprintf(stderr, "pareto latent: %s\n%s", why.c_str(), kLatentHelp);
        return kExitUsage;
    }
    const std::string ckpt = args.positional()[0];
    auto inputs = loadCommandInputs(args, limit, ckpt);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    const DatasetLoadOptions& options = inputs->options;
    LoadedModel* loaded = &inputs->loaded;
    const ModelInfo info = loaded->model->info();
    // A model without a reducible latent says why before any size check.
    if (const std::string why = whyNoLatentMethod(method == "distill" ? LatentMethod::Distilled : LatentMethod::Pca, *loaded->model);
        !why.empty())
        return reportError(fail(ckpt + ": " + why));
    if (k > info.latentDim) {
        std::fprintf(stderr, "pareto latent: --k %lld is larger than the model's latent size %lld\n", k,
                     static_cast<long long>(info.latentDim));
        return kExitUsage;
    }

    const bool distill = method == "distill";
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    const DatasetLoadOptions& modelOptions = inputs->modelOptions;
    auto images = loadEvaluationImages(*inputs, progress.sub(0.0, 0.06));
    if (!images) return reportError(images.error());
    Dataset* data = &images->data;
    MeanImage* mean = &images->mean;
    auto calib = loadCalibration(*spec, modelOptions, calibLimit, progress.sub(0.06, 0.1));
    if (!calib) return reportError(calib.error());
    std::vector<std::string> notes;
    const Split evalSplit = options.split.value_or(spec->kind == DataSpec::Kind::Folder ? Split::All : Split::Test);
    if (evalSplit == Split::All || evalSplit == Split::Train)
        notes.push_back("the evaluated images include the calibration (training) images; use --split test for held-out numbers");

    const double pStats = distill ? 0.2 : 0.5;
    auto stats = collectLatentStatistics(*loaded->model, *calib, 256, progress.sub(0.1, pStats));
    if (!stats) return reportError(stats.error());
    auto reduced = reduceLatentPca(loaded->model, *stats, k);
    if (!reduced) return reportError(reduced.error());

    // Models trained from scratch at k: given, or from a catalog (the far end of the gap).
    std::vector<std::string> scratchPaths;
    if (auto sp = args.value("scratch")) {
        scratchPaths = splitCommaList(*sp);
    } else if (auto c = args.value("catalog")) {
        const LatentCatalog catalog = catalogFromArg(*c);
        for (const auto& w : catalog.warnings()) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
        for (const auto& e : catalogModelsFor(catalog, info, k)) scratchPaths.push_back(e.path);
        if (scratchPaths.empty()) notes.push_back("the catalog has no model trained from scratch at k=" + std::to_string(k));
    }
    auto scratchModels = loadScratchModels(scratchPaths, k, info);
    if (!scratchModels) return reportError(scratchModels.error());

    std::optional<DistillationStudy> study;
    std::shared_ptr<const Model> result = reduced->model;
    if (distill) {
        DatasetLoadOptions o = modelOptions;
        o.split = Split::Train;
        o.limit = trainLimit;
        auto train = loadDataset(*spec, o, progress.sub(pStats, 0.25));
        if (!train) return reportError(train.error());
        o.split = Split::Validation;
        o.limit = valLimit;
        auto val = loadDataset(*spec, o, progress.sub(0.25, 0.27));
        if (!val) return reportError(val.error());
        auto d = distillWithGap(loaded->model, *stats, k, *train, *val, dc, *data, *scratchModels, static_cast<int>(batch),
                                progress.sub(0.27, 0.8));
        if (!d) return reportError(d.error());
        study = std::move(*d);
        result = study->distilled.student();
    }

    const double pEval = distill ? 0.8 : 0.5;
    auto original = evaluateWithBaseline(*loaded->model, *data, *mean, static_cast<int>(batch), progress.sub(pEval, pEval + 0.1));
    if (!original) return reportError(original.error());
    PerImageMetrics measured;
    std::vector<PerImageMetrics> scratch;
    if (study) {
        measured = study->student;
        scratch = study->scratch;
    } else {
        auto m = evaluateModel(*result, *data, static_cast<int>(batch), progress.sub(pEval + 0.1, pEval + 0.15));
        if (!m) return reportError(m.error());
        measured = std::move(*m);
        for (size_t i = 0; i < scratchModels->size(); ++i) {
            auto sm = evaluateModel(*(*scratchModels)[i].model, *data, static_cast<int>(batch), progress.sub(pEval + 0.15, 0.99));
            if (!sm) return reportError(fail((*scratchModels)[i].source + ": " + sm.error().message));
            scratch.push_back(std::move(*sm));
        }
    }
    const PerImageMetrics* metrics = &measured;
    const MetricSummary summary = summarize(measured);
    const PairedDeltas delta = pairedDeltas(original->perImage, measured);
    const UntrainedCheck untrained = checkUntrained(summary, original->baselineSummary);
    std::optional<PerImageMetrics> pcaMetrics;
    if (study) pcaMetrics = study->pca;
    // Per image, the mean over the scratch models (seeds).
    PerImageMetrics scratchMean;
    if (!scratch.empty()) {
        scratchMean = scratch[0];
        for (size_t i = 0; i < scratchMean.size(); ++i) {
            double m = 0, p = 0, q = 0;
            for (const auto& one : scratch) {
                m += one.mse[i];
                p += one.psnr[i];
                q += one.ssim[i];
            }
            const double n = static_cast<double>(scratch.size());
            scratchMean.mse[i] = m / n;
            scratchMean.psnr[i] = p / n;
            scratchMean.ssim[i] = q / n;
        }
    }
    std::optional<GapRecovered> gap;
    if (study) gap = study->gap;
    const DistillResult* student = study ? &study->distilled : nullptr;

    std::string outPath;
    const ModelInfo ri0 = result->info();
    if (auto out = args.value("out")) {
        outPath = *out;
        std::ostringstream cmd;
        cmd << "pareto latent";
        for (const auto& a : argv) cmd << ' ' << a;
        auto parentSha = sha256File(ckpt);
        std::map<std::string, std::string> meta{
            {"format", "pt"},
            {"pareto.latent_method", method},
            {"pareto.latent_dim", std::to_string(k)},
            {"pareto.parent", ckpt},
            {"pareto.parent_sha256", parentSha ? *parentSha : ""},
            {"pareto.parent_latent_dim", std::to_string(info.latentDim)},
            {"pareto.calibration_data", calib->identity},
            {"pareto.explained_variance", fmt6(reduced->explainedVariance)},
            {"pareto.command", cmd.str()},
            {"pareto.test_data", data->identity},
            {"pareto.test_mse", fmt6(summary.mse.mean)},
            {"pareto.test_mse_ci95", fmt6(summary.mse.lo) + "," + fmt6(summary.mse.hi)},
        };
        StateDict tensors;
        if (reduced->method == "pca-projection" && !distill) {
            // A projection of a model we cannot rewrite: the file holds the projection only.
            for (const auto& t : result->tensors())
                if (t.name.rfind("pca.", 0) == 0) tensors.set(t.name, t.tensor);
            meta["pareto.arch"] = "pca-projection";
        } else {
            tensors = modelWeights(*result);
            meta["pareto.arch"] = ri0.arch;
            meta["pareto.channels"] = std::to_string(ri0.inputShape.empty() ? 0 : ri0.inputShape[0]);
            if (distill) {
                meta["pareto.seed"] = std::to_string(dc.seed);
                meta["pareto.best_epoch"] = std::to_string(student->training.bestEpoch);
                meta["pareto.seconds_per_epoch"] = fmt6(student->training.secondsPerEpoch);
                meta["pareto.train_data"] = student->trainData;
            }
        }
        if (Status st = writeSafetensors(outPath, tensors, meta); !st) return reportError(st.error());
    }
    progress.update(1.0, "done");

    const ModelInfo ri = result->info();
    if (args.flag("json")) {
        nlohmann::json j{
            {"checkpoint", ckpt},
            {"method", method},
            {"fold", reduced->method},
            {"k", k},
            {"original", {{"latent_dim", info.latentDim}, {"params", info.params}, {"fp32_bytes", info.fp32Bytes()},
                          {"mse", toJson(original->summary.mse)}, {"psnr", toJson(original->summary.psnr)},
                          {"ssim", toJson(original->summary.ssim)}}},
            {"model", {{"arch", ri.arch}, {"latent_dim", ri.latentDim}, {"params", ri.params}, {"fp32_bytes", ri.fp32Bytes()},
                       {"projection_params", reduced->projectionParams}}},
            {"calibration", {{"data", calib->identity}, {"n", stats->n}}},
            {"explained_variance", reduced->explainedVariance},
            {"explained_variance_curve", stats->explainedVarianceCurve()},
            {"data", {{"identity", data->identity}, {"notes", data->notes}}},
            {"n", original->n()},
            {"mse", toJson(summary.mse)},
            {"psnr", toJson(summary.psnr)},
            {"ssim", toJson(summary.ssim)},
            {"delta_vs_original", deltasToJson(delta)},
            {"baseline_mean_image", summaryJson(original->baselineSummary)},
            {"untrained_warning", untrained.warning},
            {"untrained_reason", untrained.reason},
            {"notes", notes},
            {"out", outPath.empty() ? nlohmann::json(nullptr) : nlohmann::json(outPath)},
        };
        j["baseline_mean_image"]["source"] = original->baselineSource;
        if (!scratch.empty()) {
            j["scratch"] = {{"models", scratchPaths}, {"mse", toJson(summarize(scratchMean).mse)},
                            {"delta_vs_scratch", deltasToJson(pairedDeltas(scratchMean, *metrics))}};
        }
        if (student) {
            nlohmann::json hist = nlohmann::json::array();
            for (const auto& h : student->training.history)
                hist.push_back({{"epoch", h.epoch}, {"train_loss", h.trainLoss}, {"val_loss", h.valLoss}, {"val_mse", h.valMse}, {"seconds", h.seconds}});
            j["distill"] = {{"epochs_run", student->training.history.size()},
                            {"best_epoch", student->training.bestEpoch},
                            {"stopped_early", student->training.stoppedEarly},
                            {"seconds_per_epoch", student->training.secondsPerEpoch},
                            {"teacher_weight", dc.teacherWeight},
                            {"lr", dc.learningRate},
                            {"beta", dc.beta},
                            {"seed", dc.seed},
                            {"history", hist},
                            {"pca_init", summaryJson(summarize(*pcaMetrics))},
                            {"delta_vs_pca", deltasToJson(pairedDeltas(*pcaMetrics, *metrics))}};
            const auto nanToNull = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
            j["gap_recovered"] = {{"defined", gap->defined},
                                  {"recovered", {{"mean", nanToNull(gap->recovered.mean)},
                                                 {"ci95", {nanToNull(gap->recovered.lo), nanToNull(gap->recovered.hi)}}}},
                                  {"mse_pca", gap->msePca},
                                  {"mse_student", gap->mseStudent},
                                  {"mse_scratch", scratch.empty() ? nlohmann::json(nullptr) : nlohmann::json(gap->mseScratch)},
                                  {"scratch_models", scratchPaths},
                                  {"n", gap->n},
                                  {"note", gap->note}};
        }
        printJson(j);
        return kExitOk;
    }

    std::printf("model      %s (%s, L=%lld, %lld params)\n", ckpt.c_str(), info.arch.c_str(), static_cast<long long>(info.latentDim),
                static_cast<long long>(info.params));
    std::printf("method     %s at k=%lld (%s); %lld params, %lld bytes FP32", method.c_str(), k, reduced->method.c_str(),
                static_cast<long long>(ri.params), static_cast<long long>(ri.fp32Bytes()));
    if (reduced->projectionParams) std::printf(" incl. a %lld-float projection", static_cast<long long>(reduced->projectionParams));
    std::printf("\ncalibration %s (%lld images): top %lld components keep %.2f %% of mu's variance\n", calib->identity.c_str(),
                static_cast<long long>(stats->n), k, 100.0 * reduced->explainedVariance);
    std::printf("explained variance by k:");
    const auto curve = stats->explainedVarianceCurve();
    for (size_t i = 0; i < curve.size(); ++i) std::printf("%s %zu:%.3f", i % 8 == 0 ? "\n " : "", i + 1, curve[i]);
    if (student)
        std::printf("\ndistill    %zu epochs on %s (best %d%s), %.1f s per epoch; teacher weight %g, lr %g, beta %g",
                    student->training.history.size(), student->trainData.c_str(), student->training.bestEpoch,
                    student->training.stoppedEarly ? ", stopped early" : "", student->training.secondsPerEpoch, dc.teacherWeight,
                    dc.learningRate, dc.beta);
    std::printf("\ndata       %s\n", data->identity.c_str());
    for (const auto& n : data->notes) std::printf("           %s\n", n.c_str());
    for (const auto& n : notes) std::printf("note       %s\n", n.c_str());
    std::printf("n          %lld images, 95 %% bootstrap CIs\n\n", static_cast<long long>(original->n()));
    std::printf("  %-22s %-32s %-9s %s\n", "", "MSE", "PSNR", "SSIM");
    const auto line = [](const std::string& name, const MetricSummary& s) {
        std::printf("  %-22s %-32s %-9.3f %.4f\n", name.c_str(), formatEstimate(s.mse).c_str(), s.psnr.mean, s.ssim.mean);
    };
    line("original (L=" + std::to_string(info.latentDim) + ")", original->summary);
    if (pcaMetrics) line("pca fold (k=" + std::to_string(k) + ")", summarize(*pcaMetrics));
    line(method + " (k=" + std::to_string(k) + ")", summary);
    if (!scratch.empty()) line("scratch (k=" + std::to_string(k) + ", " + std::to_string(scratch.size()) + " models)", summarize(scratchMean));
    line("mean image", original->baselineSummary);
    std::printf("\ndelta vs the original (per image, paired):\n");
    printDelta("MSE", delta.mse);
    printDelta("PSNR (dB)", delta.psnr);
    printDelta("SSIM", delta.ssim);
    if (gap) {
        if (gap->defined)
            std::printf("\ngap recovered %s  = (mse_pca - mse_student) / (mse_pca - mse_scratch), 95 %% bootstrap CI\n",
                        formatEstimate(gap->recovered, 3).c_str());
        else
            std::printf("\ngap recovered: not defined (%s)\n", gap->note.c_str());
    }
    if (untrained.warning) std::printf("WARNING    %s\n", untrained.reason.c_str());
    if (!outPath.empty()) std::printf("wrote      %s\n", outPath.c_str());
    return kExitOk;
}

}  // namespace pareto::cli
