// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "common/atomicfile.h"
#include "compress/automixedprecision.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "model/modelloader.h"

#include <cstdio>
#include <sstream>
#include <string>

namespace pareto::cli {
namespace {

const char* kAutoMpHelp =
    "usage: pareto automp CKPT --data SPEC --budget-bytes N [--candidates S1,S2,...] [--out-map FILE]\n"
    "                     [--split S] [--limit N] [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Automatic mixed precision: measures each layer's sensitivity to each candidate scheme on\n"
    "a calibration subset (one layer quantized at a time, paired per image with FP32), then\n"
    "picks one scheme per layer minimising the summed MSE increase with the whole payload\n"
    "(biases and norms FP32 included) within the budget: an exact multiple-choice knapsack\n"
    "over byte buckets (extra bytes rounded up, so the budget always holds). The choice is\n"
    "then quantized for real and measured: predicted and measured MSE are both reported.\n"
    "\n"
    "  --data SPEC        fashion-mnist[:DIR] | cifar10:DIR | folder:DIR\n"
    "  --budget-bytes N   the most bytes the payload may take\n"
    "  --candidates LIST  comma-separated scheme strings; default:\n"
    "                     fp16,int8,int4-g64,int4,int3-g64,int2-g64\n"
    "  --out-map FILE     write the chosen precision map (JSON, for `eval --map`), atomically\n"
    "  --limit N          calibration images: the first N of the split (default 256)\n"
    "  --split S          default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --json             machine-readable output\n"
    "  --quiet            no progress on stderr\n";

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace

int runAutoMp(const std::vector<std::string>& argv) {
    Args args(argv, {"data", "split", "limit", "batch-size", "budget-bytes", "candidates", "out-map"}, {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::printf("%s", kAutoMpHelp);
        return kExitOk;
    }
    const long long limit = args.intOr("limit", 256);
    const long long batch = args.intOr("batch-size", 64);
    const long long budget = args.intOr("budget-bytes", -1);
    if (!args.ok() || args.positional().size() != 1 || !args.value("data") || !args.value("budget-bytes") || budget < 0 ||
        batch < 1 || limit == 0) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required"
                                : !args.value("budget-bytes") ? "--budget-bytes is required"
                                : budget < 0 ? "--budget-bytes must not be negative"
                                : batch < 1 ? "--batch-size must be positive" : limit == 0 ? "--limit must not be 0"
                                : "expected one checkpoint path";
        std::fprintf(stderr, "pareto automp: %s\n%s", why.c_str(), kAutoMpHelp);
        return kExitUsage;
    }
    std::vector<QuantScheme> candidates;
    for (const auto& s : args.value("candidates") ? splitList(*args.value("candidates")) : defaultAutoMpCandidates()) {
        auto scheme = QuantScheme::parse(s);
        if (!scheme) {
            std::fprintf(stderr, "pareto automp: --candidates: %s\n%s", scheme.error().message.c_str(), kAutoMpHelp);
            return kExitUsage;
        }
        candidates.push_back(*scheme);
    }
    if (candidates.empty()) {
        std::fprintf(stderr, "pareto automp: --candidates: empty list\n%s", kAutoMpHelp);
        return kExitUsage;
    }
    auto inputs = loadCommandInputs(args, limit, args.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    LoadedModel* loaded = &inputs->loaded;
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto data = loadDataset(*spec, inputs->modelOptions, progress.sub(0.0, 0.05));
    if (!data) return reportError(data.error());
    auto r = autoMixedPrecision(*loaded->model, *data, budget, candidates, static_cast<int>(batch), progress.sub(0.05, 1.0));
    if (!r) return reportError(r.error());
    for (const auto& w : r->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
    if (auto path = args.value("out-map")) {
        if (auto st = writeFileAtomic(*path, r->map.toJson() + "\n"); !st) return reportError(st.error());
    }

    if (args.flag("json")) {
        nlohmann::json choices = nlohmann::json::array();
        for (const auto& c : r->choices)
            choices.push_back({{"name", c.name}, {"scheme", c.scheme}, {"bytes", c.bytes}, {"predicted_delta_mse", c.predictedDeltaMse}});
        nlohmann::json j = {{"checkpoint", loaded->path},
                   {"data", {{"identity", data->identity}, {"notes", data->notes}}},
                   {"n", data->size()},
                   {"candidates", r->candidates},
                   {"budget_bytes", r->budgetBytes},
                   {"min_bytes", r->minBytes},
                   {"choices", choices},
                   {"precision_map", nlohmann::json::parse(r->map.toJson())},
                   {"predicted", {{"bytes", r->predictedBytes}, {"delta_mse", r->predictedDeltaMse}}},
                   {"size", {{"bytes", r->size.bytes}, {"fp32_bytes", r->size.fp32Bytes}, {"ratio", r->size.ratio},
                             {"effective_bits_per_param", r->size.effectiveBitsPerParam}, {"params", r->size.params}}},
                   {"fp32", toJson(r->fp32)},
                   {"mse", toJson(r->measured.mse)},
                   {"psnr", toJson(r->measured.psnr)},
                   {"ssim", toJson(r->measured.ssim)},
                   {"delta_vs_fp32", {{"mse", toJson(r->deltaVsFp32.mse)}, {"psnr", toJson(r->deltaVsFp32.psnr)}, {"ssim", toJson(r->deltaVsFp32.ssim)}}},
                   {"out_map", args.valueOr("out-map", "")},
                   {"warnings", r->warnings}};
        addModelJson(j, loaded->model->info());
        printJson(j);
        return kExitOk;
    }
    std::printf("model     %s\n", loaded->path.c_str());
    std::printf("data      %s (calibration subset)\n", data->identity.c_str());
    for (const auto& n : data->notes) std::printf("          %s\n", n.c_str());
    std::printf("budget    %lld bytes (smallest reachable %lld)\n\n", budget, static_cast<long long>(r->minBytes));
    std::printf("%-28s %-10s %10s %14s\n", "layer", "scheme", "bytes", "pred. dMSE");
    for (const auto& c : r->choices)
        std::printf("%-28s %-10s %10lld %14.4g\n", c.name.c_str(), c.scheme.c_str(), static_cast<long long>(c.bytes), c.predictedDeltaMse);
    std::printf("\nsize      %lld bytes real (predicted %lld), %.2fx smaller than FP32, %.2f bits per parameter\n",
                static_cast<long long>(r->size.bytes), static_cast<long long>(r->predictedBytes), r->size.ratio, r->size.effectiveBitsPerParam);
    std::printf("delta MSE predicted %.4g (sum over layers), measured %s %s\n", r->predictedDeltaMse,
                formatEstimate(r->deltaVsFp32.mse.estimate).c_str(), r->deltaVsFp32.mse.significant ? "significant" : "not significant");
    std::printf("MSE       %s (FP32 %s)\n", formatEstimate(r->measured.mse).c_str(), formatEstimate(r->fp32.mse).c_str());
    std::printf("PSNR (dB) %s (FP32 %s)\n", formatEstimate(r->measured.psnr).c_str(), formatEstimate(r->fp32.psnr).c_str());
    if (auto path = args.value("out-map")) std::printf("wrote     %s\n", path->c_str());
    return kExitOk;
}

}  // namespace pareto::cli
