#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"

#include <cstdio>
#include <optional>

namespace pareto::cli {

static const char* kEvalHelp =
    "usage: pareto eval CKPT --data SPEC [--split train|val|test|all] [--limit N]\n"
    "                   [--baseline CKPT2] [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Measures a model on held-out images, deterministically (decode(mu)), beside the\n"
    "mean-image baseline; every figure is a mean with its 95 % bootstrap CI over n images.\n"
    "\n"
    "  --data SPEC     fashion-mnist[:DIR] | cifar10:DIR | folder:DIR\n"
    "  --split S       default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --limit N       the first N images of the split\n"
    "  --baseline CKPT2  also measure CKPT2 on the same images and report the paired\n"
    "                  delta CKPT - CKPT2 per metric with its CI (\"not significant\"\n"
    "                  when the CI crosses 0)\n"
    "  --json          machine-readable output (keys in the README)\n"
    "  --quiet         no progress on stderr\n";

int runEval(const std::vector<std::string>& argv) {
    Args args(argv, {"data", "split", "limit", "batch-size", "baseline"}, {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::fputs(kEvalHelp, stdout);
        return kExitOk;
    }
    const long long limit = args.intOr("limit", -1);
    const long long batch = args.intOr("batch-size", 64);
    if (!args.ok() || args.positional().size() != 1 || !args.value("data") || batch < 1) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required" : batch < 1 ? "--batch-size must be positive" : "expected one checkpoint path";
        std::fprintf(stderr, "pareto eval: %s\n%s", why.c_str(), kEvalHelp);
        return kExitUsage;
    }
    auto spec = parseDataSpec(*args.value("data"));
    if (!spec) return reportError(spec.error());
    DatasetLoadOptions options;
    options.limit = limit;
    if (auto s = args.value("split")) {
        auto split = parseSplit(*s);
        if (!split) return reportError(split.error());
        options.split = *split;
    }

    auto loaded = loadModel(args.positional()[0]);
    if (!loaded) return reportError(loaded.error());
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto ev = evaluateOnData(*loaded->model, *spec, options, static_cast<int>(batch), progress);
    if (!ev) return reportError(ev.error());

    // Paired comparison against a second model on exactly the same images.
    std::optional<PairedDeltas> deltas;
    std::string baselinePath;
    if (auto other = args.value("baseline")) {
        auto base = loadModel(*other);
        if (!base) return reportError(base.error());
        baselinePath = base->path;
        auto data = loadDataset(*spec, optionsForModel(base->model->info(), options), progress);
        if (!data) return reportError(data.error());
        auto baseMetrics = evaluateModel(*base->model, *data, static_cast<int>(batch), progress);
        if (!baseMetrics) return reportError(baseMetrics.error());
        if (baseMetrics->size() != ev->perImage.size()) return reportError(fail(*other + ": evaluated a different number of images"));
        deltas = pairedDeltas(*baseMetrics, ev->perImage);
    }

    if (args.flag("json")) {
        nlohmann::json baseline = toJson(ev->baselineSummary);
        baseline["source"] = ev->baselineSource;
        nlohmann::json j = {{"checkpoint", loaded->path},
                   {"format", checkpointFormatName(loaded->format)},
                   {"arch", ev->model.arch},
                   {"latent_dim", ev->model.latentDim},
                   {"params", ev->model.params},
                   {"data", {{"identity", ev->dataIdentity}, {"notes", ev->dataNotes}}},
                   {"n", ev->n()},
                   {"mse", toJson(ev->summary.mse)},
                   {"psnr", toJson(ev->summary.psnr)},
                   {"ssim", toJson(ev->summary.ssim)},
                   {"baseline_mean_image", baseline},
                   {"untrained_warning", ev->untrained.warning},
                   {"untrained_reason", ev->untrained.reason},
                   {"seconds", ev->seconds}};
        if (deltas)
            j["delta_vs_baseline"] = {{"baseline", baselinePath}, {"mse", toJson(deltas->mse)}, {"psnr", toJson(deltas->psnr)}, {"ssim", toJson(deltas->ssim)}};
        printJson(j);
        return kExitOk;
    }
    std::printf("model     %s (%s, L=%lld, %lld params)\n", loaded->path.c_str(), ev->model.arch.c_str(),
                static_cast<long long>(ev->model.latentDim), static_cast<long long>(ev->model.params));
    std::printf("data      %s\n", ev->dataIdentity.c_str());
    for (const auto& n : ev->dataNotes) std::printf("          %s\n", n.c_str());
    std::printf("n         %lld images, 95 %% bootstrap CIs\n\n", static_cast<long long>(ev->n()));
    std::printf("%-10s %-36s %s\n", "metric", "model", "mean-image baseline");
    std::printf("%-10s %-36s %s\n", "MSE", formatEstimate(ev->summary.mse).c_str(), formatEstimate(ev->baselineSummary.mse).c_str());
    std::printf("%-10s %-36s %s\n", "PSNR (dB)", formatEstimate(ev->summary.psnr).c_str(), formatEstimate(ev->baselineSummary.psnr).c_str());
    std::printf("%-10s %-36s %s\n", "SSIM", formatEstimate(ev->summary.ssim).c_str(), formatEstimate(ev->baselineSummary.ssim).c_str());
    std::printf("\nbaseline  %s\n", ev->baselineSource.c_str());
    std::printf("%s %s\n", ev->untrained.warning ? "WARNING  " : "check    ", ev->untrained.reason.c_str());
    if (deltas) {
        std::printf("\npaired delta vs %s (this - baseline, per image):\n", baselinePath.c_str());
        const auto row = [](const char* name, const DeltaEstimate& d) {
            std::printf("%-10s %-36s %s\n", name, formatEstimate(d.estimate).c_str(), d.significant ? "significant" : "not significant (CI crosses 0)");
        };
        row("MSE", deltas->mse);
        row("PSNR (dB)", deltas->psnr);
        row("SSIM", deltas->ssim);
    }
    return kExitOk;
}

}  // namespace pareto::cli
