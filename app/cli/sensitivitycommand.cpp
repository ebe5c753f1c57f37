// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "compress/layersensitivity.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "model/modelloader.h"

#include <cstdio>
#include <string>

namespace pareto::cli {
namespace {

const char* kSensitivityHelp =
    "usage: pareto sensitivity CKPT --data SPEC [--quant SCHEME] [--split S] [--limit N]\n"
    "                          [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Quantizes one layer at a time (every other tensor FP32) and measures how much the MSE\n"
    "rises on a calibration subset, paired per image with the FP32 model: the layers that\n"
    "hurt most come first. Conv/Linear weights are the quantizable layers.\n"
    "\n"
    "  --data SPEC     fashion-mnist[:DIR] | cifar10:DIR | folder:DIR\n"
    "  --quant SCHEME  the scheme to try per layer (default int4; see `pareto eval --help`)\n"
    "  --limit N       calibration images: the first N of the split (default 256)\n"
    "  --split S       default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --json          machine-readable output\n"
    "  --quiet         no progress on stderr\n";

}  // namespace

int runSensitivity(const std::vector<std::string>& argv) {
    Args args(argv, {"data", "split", "limit", "batch-size", "quant"}, {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::printf("%s", kSensitivityHelp);
        return kExitOk;
    }
    const long long limit = args.intOr("limit", 256);
    const long long batch = args.intOr("batch-size", 64);
    if (!args.ok() || args.positional().size() != 1 || !args.value("data") || batch < 1 || limit == 0) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required"
                                : batch < 1 ? "--batch-size must be positive" : limit == 0 ? "--limit must not be 0"
                                : "expected one checkpoint path";
        std::fprintf(stderr, "pareto sensitivity: %s\n%s", why.c_str(), kSensitivityHelp);
        return kExitUsage;
    }
    auto scheme = QuantScheme::parse(args.valueOr("quant", "int4"));
    if (!scheme) {
        std::fprintf(stderr, "pareto sensitivity: --quant: %s\n%s", scheme.error().message.c_str(), kSensitivityHelp);
        return kExitUsage;
    }
    auto inputs = loadCommandInputs(args, limit, args.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    LoadedModel* loaded = &inputs->loaded;
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto data = loadDataset(*spec, inputs->modelOptions, progress.sub(0.0, 0.05));
    if (!data) return reportError(data.error());
    auto report = measureLayerSensitivity(*loaded->model, *scheme, *data, static_cast<int>(batch), progress.sub(0.05, 1.0));
    if (!report) return reportError(report.error());

    if (args.flag("json")) {
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : report->layers)
            layers.push_back({{"name", l.name}, {"params", l.params}, {"fp32_bytes", l.fp32Bytes}, {"bytes", l.bytes},
                              {"bytes_saved", l.bytesSaved}, {"model_bytes", l.modelBytes}, {"mse", l.mse},
                              {"delta_mse", toJson(l.deltaMse)}});
        nlohmann::json j = {{"checkpoint", loaded->path},
                   {"data", {{"identity", data->identity}, {"notes", data->notes}}},
                   {"n", report->n},
                   {"scheme", report->scheme},
                   {"fp32", toJson(report->fp32)},
                   {"fp32_bytes", report->fp32ModelBytes},
                   {"layers", layers}};
        addModelJson(j, loaded->model->info());
        printJson(j);
        return kExitOk;
    }
    std::printf("model     %s\n", loaded->path.c_str());
    std::printf("data      %s (calibration subset)\n", data->identity.c_str());
    for (const auto& n : data->notes) std::printf("          %s\n", n.c_str());
    std::printf("scheme    %s, one layer at a time, the rest FP32\n", report->scheme.c_str());
    std::printf("FP32 MSE  %s over %lld images\n\n", formatEstimate(report->fp32.mse).c_str(), static_cast<long long>(report->n));
    std::printf("%-28s %9s %10s %10s  %-36s %s\n", "layer", "params", "fp32 B", "saved B", "delta MSE [95% CI]", "");
    for (const auto& l : report->layers)
        std::printf("%-28s %9lld %10lld %10lld  %-36s %s\n", l.name.c_str(), static_cast<long long>(l.params),
                    static_cast<long long>(l.fp32Bytes), static_cast<long long>(l.bytesSaved),
                    formatEstimate(l.deltaMse.estimate, 3).c_str(), l.deltaMse.significant ? "significant" : "not significant");
    return kExitOk;
}

}  // namespace pareto::cli
