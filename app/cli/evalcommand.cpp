// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"
#include "quantoptions.h"

#include "common/utf8text.h"
#include "compress/compressionevaluation.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"
#include "quant/sizereport.h"

#include <cstdio>
#include <optional>
#include <string>

namespace pareto::cli {
namespace {

const char* kEvalHelp =
    "usage: pareto eval CKPT --data SPEC [--split train|val|test|all] [--limit N]\n"
    "                   [quantization options] [--baseline CKPT2] [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Measures a model on held-out images, deterministically (decode(mu)), beside the\n"
    "mean-image baseline; every figure is a mean with its 95 % bootstrap CI over n images.\n"
    "With quantization options, a quantized copy is measured too, paired per image with\n"
    "the FP32 model, and its size is the bytes its packed payload really takes.\n"
    "\n"
    "  CKPT            a checkpoint file, or 'demo': the embedded demo model\n"
    "  --data SPEC     fashion-mnist[:DIR] | cifar10:DIR | folder:DIR | demo (the demo's\n"
    "                  held-out images)\n"
    "  --split S       default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --limit N       the first N images of the split\n"
    "  --baseline CKPT2  also measure CKPT2 on the same images and report the paired\n"
    "                  delta CKPT - CKPT2 per metric with its CI (\"not significant\"\n"
    "                  when the CI crosses 0)\n"
    "  --json          machine-readable output (keys in the README)\n"
    "  --quiet         no progress on stderr\n";

nlohmann::json deltasJson(const PairedDeltas& d) {
    return {{"mse", toJson(d.mse)}, {"psnr", toJson(d.psnr)}, {"ssim", toJson(d.ssim)}};
}

void printDeltaRows(const PairedDeltas& d) {
    const auto row = [](const char* name, const DeltaEstimate& e) {
        std::printf("%-10s %-36s %s\n", name, formatEstimate(e.estimate).c_str(),
                    e.significant ? "significant" : "not significant (CI crosses 0)");
    };
    row("MSE", d.mse);
    row("PSNR (dB)", d.psnr);
    row("SSIM", d.ssim);
}

nlohmann::json matchJson(const PrecisionMatchReport& m) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : m.rules)
        rules.push_back({{"index", r.index}, {"pattern", r.pattern}, {"scheme", r.scheme}, {"matched", r.matched},
                         {"shadowed", r.shadowed}, {"policy_kept", r.policyKept}});
    return {{"rules", rules}, {"unmatched_parameters", m.unmatchedParameters}};
}

}  // namespace

int runEval(const std::vector<std::string>& argv) {
    std::set<std::string> valueOpts{"data", "split", "limit", "batch-size", "baseline"};
    std::set<std::string> flagOpts{"json", "quiet", "help"};
    valueOpts.insert(quantValueOptions().begin(), quantValueOptions().end());
    flagOpts.insert(quantFlagOptions().begin(), quantFlagOptions().end());
    Args args(argv, valueOpts, flagOpts);
    if (args.flag("help")) {
        std::printf("%s\n%s", kEvalHelp, kQuantOptionsHelp);
        return kExitOk;
    }
    const long long limit = args.intOr("limit", -1);
    const long long batch = args.intOr("batch-size", 64);
    if (!args.ok() || args.positional().size() != 1 || !args.value("data") || batch < 1) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required" : batch < 1 ? "--batch-size must be positive" : "expected one checkpoint path";
        std::fprintf(stderr, "pareto eval: %s\n%s", why.c_str(), kEvalHelp);
        return kExitUsage;
    }
    auto plan = quantPlanFromArgs(args);
    if (!plan) {
        std::fprintf(stderr, "pareto eval: %s\n%s", plan.error().message.c_str(), kEvalHelp);
        return kExitUsage;
    }
    auto inputs = loadCommandInputs(args, limit, args.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    const DatasetLoadOptions& options = inputs->options;
    LoadedModel* loaded = &inputs->loaded;
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto images = loadEvaluationImages(*inputs, progress.sub(0.0, 0.2));
    if (!images) return reportError(images.error());
    Dataset* data = &images->data;
    MeanImage* mean = &images->mean;

    // The FP32 model always; a quantized copy when asked for.
    std::optional<CompressionEvaluation> comp;
    std::optional<ModelEvaluation> plain;
    if (*plan) {
        auto c = evaluateCompression(*loaded->model, **plan, *data, *mean, static_cast<int>(batch), progress.sub(0.2, 0.9));
        if (!c) return reportError(withPrefix(loaded->path, c.error()));
        comp = std::move(*c);
    } else {
        auto e = evaluateWithBaseline(*loaded->model, *data, *mean, static_cast<int>(batch), progress.sub(0.2, 0.9));
        if (!e) return reportError(withPrefix(loaded->path + " (fp32)", e.error()));
        plain = std::move(*e);
    }
    const ModelEvaluation& fp32 = comp ? comp->fp32 : *plain;
    const PerImageMetrics& measured = comp ? comp->compressedPerImage : fp32.perImage;
    const MetricSummary& summary = comp ? comp->compressed : fp32.summary;

    // Paired comparison against a second model on exactly the same images.
    std::optional<PairedDeltas> deltas;
    std::string baselinePath;
    if (auto other = args.value("baseline")) {
        auto base = loadCliModel(*other);
        if (!base) return reportError(base.error());
        baselinePath = base->path;
        auto baseData = loadDataset(*spec, optionsForModel(base->model->info(), options), progress);
        if (!baseData) return reportError(baseData.error());
        auto baseMetrics = evaluateModel(*base->model, *baseData, static_cast<int>(batch), progress.sub(0.9, 1.0));
        if (!baseMetrics) return reportError(withPrefix(base->path, baseMetrics.error()));
        if (baseMetrics->size() != measured.size()) return reportError(fail(*other + ": evaluated a different number of images"));
        deltas = pairedDeltas(*baseMetrics, measured);
    }
    if (comp) {
        for (const auto& w : comp->quantized.warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
    }

    if (args.flag("json")) {
        nlohmann::json baseline = toJson(fp32.baselineSummary);
        baseline["source"] = fp32.baselineSource;
        nlohmann::json j = {{"checkpoint", loaded->path},
                            {"format", checkpointFormatName(loaded->format)},
                            {"arch", fp32.model.arch},
                            {"latent_dim", fp32.model.latent.kind == LatentKind::None ? nlohmann::json(nullptr) : nlohmann::json(fp32.model.latentDim)},
                            {"params", fp32.model.params},
                            {"data", {{"identity", fp32.dataIdentity}, {"notes", fp32.dataNotes}}},
                            {"n", static_cast<int64_t>(measured.size())},
                            {"scheme", *plan ? (**plan).defaultScheme.toString() : std::string("fp32")},
                            {"mse", toJson(summary.mse)},
                            {"psnr", toJson(summary.psnr)},
                            {"ssim", toJson(summary.ssim)},
                            {"baseline_mean_image", baseline},
                            {"untrained_warning", fp32.untrained.warning},
                            {"untrained_reason", fp32.untrained.reason},
                            {"seconds", fp32.seconds}};
        addModelJson(j, fp32.model);
        if (comp) {
            j["fp32"] = toJson(fp32.summary);
            j["delta_vs_fp32"] = deltasJson(comp->deltaVsFp32);
            j["size"] = toJson(comp->quantized.size);
            // The headline ratio, as in the studio and the sweeps: vs the opened model's FP32 bytes.
            j["ratio_vs_original"] = ratioVsOriginal(fp32.model.fp32Bytes(), comp->quantized.size.bytes);
            j["warnings"] = comp->quantized.warnings;
            if (!(**plan).precisionMap.rules().empty()) j["precision_map"] = matchJson(comp->quantized.matches);
        } else {
            const int64_t bytes = fp32.model.fp32Bytes();
            j["size"] = {{"bytes", bytes},   {"fp32_bytes", bytes},           {"ratio", 1.0}, {"effective_bits_per_param", 32.0},
                         {"params", fp32.model.params}, {"buffer_values", fp32.model.bufferValues}};
            j["ratio_vs_original"] = 1.0;
        }
        if (deltas) {
            nlohmann::json d = deltasJson(*deltas);
            d["baseline"] = baselinePath;
            j["delta_vs_baseline"] = d;
        }
        printJson(j);
        return kExitOk;
    }

    std::printf("model     %s (%s, %lld params%s)\n", printableText(loaded->path).c_str(), printableText(loaded->model->describe()).c_str(),
                static_cast<long long>(fp32.model.params),
                fp32.model.bufferValues ? (" + " + std::to_string(fp32.model.bufferValues) + " buffer values").c_str() : "");
    std::printf("data      %s\n", fp32.dataIdentity.c_str());
    for (const auto& n : fp32.dataNotes) std::printf("          %s\n", n.c_str());
    std::printf("n         %lld images, 95 %% bootstrap CIs\n\n", static_cast<long long>(measured.size()));
    if (comp) {
        const SizeReport& s = comp->quantized.size;
        std::printf("scheme    %s%s\n", (**plan).defaultScheme.toString().c_str(), (**plan).precisionMap.rules().empty() ? "" : " + precision map");
        std::printf("size      %lld bytes (FP32 %lld): %.2fx smaller, %.2f bits per parameter\n\n", static_cast<long long>(s.bytes),
                    static_cast<long long>(s.fp32Bytes), s.ratio, s.effectiveBitsPerParam);
        std::printf("%-10s %-36s %-36s %s\n", "metric", "quantized", "FP32", "mean-image baseline");
        std::printf("%-10s %-36s %-36s %s\n", "MSE", formatEstimate(summary.mse).c_str(), formatEstimate(fp32.summary.mse).c_str(), formatEstimate(fp32.baselineSummary.mse).c_str());
        std::printf("%-10s %-36s %-36s %s\n", "PSNR (dB)", formatEstimate(summary.psnr).c_str(), formatEstimate(fp32.summary.psnr).c_str(), formatEstimate(fp32.baselineSummary.psnr).c_str());
        std::printf("%-10s %-36s %-36s %s\n", "SSIM", formatEstimate(summary.ssim).c_str(), formatEstimate(fp32.summary.ssim).c_str(), formatEstimate(fp32.baselineSummary.ssim).c_str());
        std::printf("\npaired delta quantized - FP32, per image:\n");
        printDeltaRows(comp->deltaVsFp32);
    } else {
        std::printf("%-10s %-36s %s\n", "metric", "model", "mean-image baseline");
        std::printf("%-10s %-36s %s\n", "MSE", formatEstimate(summary.mse).c_str(), formatEstimate(fp32.baselineSummary.mse).c_str());
        std::printf("%-10s %-36s %s\n", "PSNR (dB)", formatEstimate(summary.psnr).c_str(), formatEstimate(fp32.baselineSummary.psnr).c_str());
        std::printf("%-10s %-36s %s\n", "SSIM", formatEstimate(summary.ssim).c_str(), formatEstimate(fp32.baselineSummary.ssim).c_str());
    }
    std::printf("\nbaseline  %s\n", fp32.baselineSource.c_str());
    std::printf("%s %s\n", fp32.untrained.warning ? "WARNING  " : "check    ", fp32.untrained.reason.c_str());
    if (deltas) {
        std::printf("\npaired delta vs %s (this - baseline, per image):\n", baselinePath.c_str());
        printDeltaRows(*deltas);
    }
    return kExitOk;
}

}  // namespace pareto::cli
