// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "common/jsontext.h"
#include "clisupport.h"
#include "commands.h"

#include "common/utf8text.h"
#include "latentvariants.h"
#include "latentoptions.h"

#include "common/atomicfile.h"
#include "compress/schemesweep.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "model/modelloader.h"

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>

namespace pareto::cli {
namespace {

const char* kSweepHelp =
    "usage: pareto sweep CKPT --data SPEC --out PREFIX [--schemes S1,S2,...] [--split S] [--limit N]\n"
    "                    [--latents AXIS [latent options]] [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Quantizes a copy of the model with each scheme and measures every copy on the same\n"
    "images, paired per image with the FP32 model (measured once, and listed as the fp32\n"
    "row). Rows on the Pareto front of (bytes, mean MSE) are marked: no other row is both\n"
    "no larger and no worse. Sizes are the bytes the packed payload really takes.\n"
    "\n"
    "  --data SPEC     fashion-mnist[:DIR] | cifar10:DIR | folder:DIR\n"
    "  --schemes LIST  comma-separated scheme strings (see `pareto eval --help`); default:\n"
    "                  fp16,int8,int6,int5,int4,int4-g64,nf4,int3-g64,int2-g64,ternary\n"
    "  --out PREFIX    writes PREFIX.csv and PREFIX.json (atomically)\n"
    "  --split S       default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --limit N       the first N images of the split\n"
    "  --json          print the whole sweep as JSON on stdout, with seconds_load (from the\n"
    "                  process start until model and images are in memory) and\n"
    "                  seconds_compute (the rest: quantizing, measuring, writing the files)\n"
    "  --quiet         no progress on stderr\n"
    "\n"
    "CSV columns: scheme,bytes,fp32_bytes,ratio,ratio_vs_original,effective_bits_per_param,mse,\n"
    "mse_lo,mse_hi,"
    "psnr,psnr_lo,psnr_hi,ssim,ssim_lo,ssim_hi,delta_mse,delta_mse_lo,delta_mse_hi,\n"
    "delta_mse_significant,delta_psnr,...,delta_ssim_significant,pareto.\n"
    "\n"
    "The latent axis (the latent x bits grid): every (method, k) point below and the model as\n"
    "loaded, each at FP32 and under every scheme, on the same images, paired per image with\n"
    "the original FP32 model; one Pareto front over all rows. Sizes are the real bytes of the\n"
    "quantized latent-k model (plus the PCA projection for TorchScript models, which get\n"
    "FP32 rows only: they cannot be quantized).\n"
    "  --latents AXIS  e.g. pca:4,8,16 or pca:4,8,distill:8,trained:4,8: a method prefix\n"
    "                  applies to the numbers after it\n"
    "                  pca      the PCA truncation folded into the weights (statistics of mu on\n"
    "                           the first --calib-limit N training images, default 10000)\n"
    "                  distill  a student at k from that fold, fine-tuned --epochs N (default 3)\n"
    "                           against the model's reconstructions and the data\n"
    "                           (--teacher-weight W 0.5, --lr X 5e-4, --seed N 1,\n"
    "                           --train-limit N all, --val-limit N 2000)\n"
    "                  trained  the lowest-seed model at k of --catalog DIR|demo\n"
    "  CSV columns then: method,k,seed,scheme,params,bytes,fp32_bytes,ratio,ratio_vs_original,\n"
    "  effective_bits_per_param,explained_variance, then as above (deltas vs the original FP32).\n";

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

// ratio_vs_original: vs the opened model's FP32 bytes (its FP32 row), the studio's headline;
// size.ratio stays vs the row's own FP32 (the same thing here, as no row changes the latent).
nlohmann::json rowJson(const SweepRow& r, int64_t originalBytes) {
    return {{"scheme", r.scheme},
            {"size", toJson(r.size)},
            {"ratio_vs_original", ratioVsOriginal(originalBytes, r.size.bytes)},
            {"mse", toJson(r.metrics.mse)},
            {"psnr", toJson(r.metrics.psnr)},
            {"ssim", toJson(r.metrics.ssim)},
            {"delta_vs_fp32", {{"mse", toJson(r.deltaVsFp32.mse)}, {"psnr", toJson(r.deltaVsFp32.psnr)}, {"ssim", toJson(r.deltaVsFp32.ssim)}}},
            {"baseline", r.baseline},
            {"pareto", r.pareto}};
}

std::string csv(const SchemeSweep& s, int64_t originalBytes) {
    std::string out = "scheme,bytes,fp32_bytes,ratio,ratio_vs_original,effective_bits_per_param," + csvMetricColumns() + ",pareto\n";
    for (const auto& r : s.rows) {
        // Scheme strings hold no commas or quotes; a "+map" label neither.
        out += r.scheme + "," + std::to_string(r.size.bytes) + "," + std::to_string(r.size.fp32Bytes) + "," + csvNumber(r.size.ratio) + "," +
               csvNumber(ratioVsOriginal(originalBytes, r.size.bytes)) + "," + csvNumber(r.size.effectiveBitsPerParam) + "," + csvEstimate(r.metrics.mse) + "," + csvEstimate(r.metrics.psnr) + "," + csvEstimate(r.metrics.ssim) + "," +
               csvDelta(r.deltaVsFp32.mse) + "," + csvDelta(r.deltaVsFp32.psnr) + "," + csvDelta(r.deltaVsFp32.ssim) + "," +
               (r.pareto ? "true" : "false") + "\n";
    }
    return out;
}

}  // namespace

int runSweep(const std::vector<std::string>& argv) {
    std::set<std::string> valueOpts{"data", "split", "limit", "batch-size", "schemes", "out", "latents"};
    valueOpts.insert(latentVariantValueOptions().begin(), latentVariantValueOptions().end());
    Args args(argv, valueOpts, {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::printf("%s", kSweepHelp);
        return kExitOk;
    }
    const long long limit = args.intOr("limit", -1);
    const long long batch = args.intOr("batch-size", 64);
    if (!args.ok() || args.positional().size() != 1 || !args.value("data") || !args.value("out") || batch < 1) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required"
                                : !args.value("out") ? "--out is required" : batch < 1 ? "--batch-size must be positive"
                                : "expected one checkpoint path";
        std::fprintf(stderr, "pareto sweep: %s\n%s", why.c_str(), kSweepHelp);
        return kExitUsage;
    }
    const std::vector<std::string> schemes = args.value("schemes") ? splitList(*args.value("schemes")) : defaultSweepSchemes();
    auto plans = plansFromSchemes(schemes);
    if (!plans || schemes.empty()) {
        std::fprintf(stderr, "pareto sweep: --schemes: %s\n%s", plans ? "empty list" : plans.error().message.c_str(), kSweepHelp);
        return kExitUsage;
    }
    if (args.value("latents")) return runCompoundSweep(args, *plans);
    for (const std::string& latentOnly : latentVariantValueOptions()) {
        if (args.value(latentOnly)) {
            std::fprintf(stderr, "pareto sweep: --%s applies to the latent axis only (give --latents)\n%s", latentOnly.c_str(), kSweepHelp);
            return kExitUsage;
        }
    }
    auto inputs = loadCommandInputs(args, limit, args.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    LoadedModel* loaded = &inputs->loaded;
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto images = loadEvaluationImages(*inputs, progress.sub(0.0, 0.1));
    if (!images) return reportError(images.error());
    Dataset* data = &images->data;
    MeanImage* mean = &images->mean;
    const double secondsLoad = secondsSinceProcessStart();  // model and images in memory
    const auto computeStart = std::chrono::steady_clock::now();

    auto sweep = sweepSchemes(*loaded->model, *plans, *data, *mean, static_cast<int>(batch), progress.sub(0.1, 1.0));
    if (!sweep) return reportError(sweep.error());
    for (const auto& w : sweep->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());

    const int64_t originalBytes = sweep->rows.front().size.bytes;  // the FP32 row: the model as opened
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : sweep->rows) rows.push_back(rowJson(r, originalBytes));
    const std::string prefix = *args.value("out");
    if (auto st = writeFileAtomic(prefix + ".csv", csv(*sweep, originalBytes)); !st) return reportError(st.error());
    if (auto st = writeFileAtomic(prefix + ".json", dumpJson(rows, 2) + "\n"); !st) return reportError(st.error());

    const ModelEvaluation& fp32 = sweep->fp32;
    if (args.flag("json")) {
        const double secondsCompute = std::chrono::duration<double>(std::chrono::steady_clock::now() - computeStart).count();
        nlohmann::json j = {{"checkpoint", loaded->path},
                   {"data", {{"identity", fp32.dataIdentity}, {"notes", fp32.dataNotes}}},
                   {"n", fp32.n()},
                   {"csv", prefix + ".csv"},
                   {"json", prefix + ".json"},
                   {"untrained_warning", fp32.untrained.warning},
                   {"seconds_load", secondsLoad},
                   {"seconds_compute", secondsCompute},
                   {"rows", rows}};
        addModelJson(j, fp32.model);
        printJson(j);
        return kExitOk;
    }
    std::printf("model     %s (%s, %lld params)\n", printableText(loaded->path).c_str(), printableText(loaded->model->describe()).c_str(),
                static_cast<long long>(fp32.model.params));
    std::printf("data      %s\n", fp32.dataIdentity.c_str());
    for (const auto& n : fp32.dataNotes) std::printf("          %s\n", n.c_str());
    std::printf("n         %lld images, 95 %% bootstrap CIs; delta = scheme - FP32 per image, paired\n\n",
                static_cast<long long>(fp32.n()));
    std::printf("  %-12s %9s %7s %6s  %-32s %-34s %-8s %s\n", "scheme", "bytes", "ratio", "bits", "MSE", "delta MSE", "PSNR", "SSIM");
    for (const auto& r : sweep->rows) {
        const std::string d = r.baseline ? "(baseline)" : formatEstimate(r.deltaVsFp32.mse.estimate, 3) + (r.deltaVsFp32.mse.significant ? "" : " ns");
        std::printf("%s %-12s %9lld %6.2fx %6.2f  %-32s %-34s %-8.3f %.4f\n", r.pareto ? "*" : " ", r.scheme.c_str(),
                    static_cast<long long>(r.size.bytes), r.size.ratio, r.size.effectiveBitsPerParam,
                    formatEstimate(r.metrics.mse, 4).c_str(), d.c_str(), r.metrics.psnr.mean, r.metrics.ssim.mean);
    }
    std::printf("\n* on the Pareto front of (bytes, mean MSE); ns: delta not significant (CI crosses 0)\n");
    if (fp32.untrained.warning) std::printf("WARNING   %s\n", fp32.untrained.reason.c_str());
    std::printf("wrote     %s.csv, %s.json\n", prefix.c_str(), prefix.c_str());
    return kExitOk;
}

}  // namespace pareto::cli
