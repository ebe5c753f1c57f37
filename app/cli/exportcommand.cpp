// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "common/jsontext.h"
#include "clisupport.h"
#include "commands.h"
#include "latentoptions.h"
#include "latentvariants.h"
#include "quantoptions.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "export/exportjson.h"
#include "export/onnxpackage.h"
#include "export/packageexporter.h"
#include "export/packagelayout.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace pareto::cli {
namespace {

const char* kExportHelp =
    "usage: pareto export CKPT --data SPEC (--quant S [options] | --map FILE) --target ID --out DIR\n"
    "                     [--jetpack 5.1|6] [--split S] [--limit N] [--force] [--tar] [--fp16-model] [--fit-batch N]\n"
    "                     [--golden N] [--batch-size N] [--provenance TEXT] [--json] [--quiet]\n"
    "                     [--latent pca:K|distill:K|trained:K [--catalog DIR|demo] [latent options]]\n"
    "       pareto export --list-targets [--json]\n"
    "\n"
    "Writes a validated deployment package for a Jetson: weights.safetensors (the packed\n"
    "weights as stored), model.pt (TorchScript, dequantized weights), model.onnx (and\n"
    "encoder.onnx + decoder.onnx for a VAE) with Q/DQ weights for TensorRT, golden/ (input batch,\n"
    "expected outputs, tolerance), README.md and manifest.json (+ manifest.sha256). An ONNX\n"
    "model has no model.pt: its own graph, with the compressed weights, is model.onnx. The\n"
    "package is written beside DIR, re-opened from disk by the verifier, re-measured on the\n"
    "images (its metrics must equal `pareto eval` of the same configuration), and only then\n"
    "moved to DIR. On failure or Ctrl-C nothing appears at DIR.\n"
    "\n"
    "  --data SPEC      the evaluation images (fashion-mnist[:DIR] | cifar10:DIR | folder:DIR)\n"
    "  --split S        default: test (Fashion-MNIST, CIFAR-10), every image (folder)\n"
    "  --limit N        the first N images of the split\n"
    "  --target ID      jetson-nano-4gb | orin-nano-8gb | orin-nx-16gb | agx-orin-64gb\n"
    "  --out DIR        the package folder (its parent must exist)\n"
    "  --force          replace an existing package at DIR: swapped in only after the new one is\n"
    "                   validated; a crash leaves the old or the new package whole\n"
    "  --tar            also write DIR.tar.gz\n"
    "  --jetpack V      Orin boards: 6 (default; TensorRT 10.3, INT4 Gemm/MatMul, ONNX opset 21 for INT4) or 5.1\n"
    "                   (TensorRT 8.5, INT8 Q/DQ at opset 13, INT4 written as FP16); the Jetson Nano stays on 4.6\n"
    "  --fp16-model     model.pt with FP16 weights (its own metrics are measured and recorded)\n"
    "  --fit-batch N    batch size of the memory fit estimate (default 1)\n"
    "  --golden N       images in the golden batch (default 8)\n"
    "  --provenance T   how the model was made, recorded in the manifest\n"
    "  --latent M:K     export a model at latent size K instead of the checkpoint itself:\n"
    "                   pca (folded into the weights; statistics of mu on the first\n"
    "                   --calib-limit N training images, default 10000), distill (a student\n"
    "                   trained here: --epochs, --teacher-weight, --lr, --seed, --train-limit,\n"
    "                   --val-limit as in `pareto latent`), trained (the lowest-seed model at K of\n"
    "                   --catalog DIR|demo). The quantization applies to that model; the manifest\n"
    "                   also records the checkpoint's own metrics and the paired delta against it\n"
    "  --list-targets   print the device profiles\n"
    "  --json           machine-readable report (keys in the README)\n"
    "  --quiet          no progress on stderr\n";

std::string mib(int64_t b) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(b) / (1024.0 * 1024.0));
    return buf;
}

int listTargets(bool json) {
    if (json) {
        nlohmann::ordered_json j = nlohmann::ordered_json::array();
        for (const auto& p : deviceProfiles()) j.push_back(ExportJson::profile(p));
        std::printf("%s\n", dumpJson(j, 2).c_str());
        return kExitOk;
    }
    std::printf("%-16s %-24s %-9s %-10s %-8s %s\n", "id", "board", "memory", "JetPack", "TensorRT", "precisions");
    for (const auto& p : deviceProfiles()) {
        std::string prec;
        for (const auto& x : p.precisions) prec += (prec.empty() ? "" : ", ") + x;
        std::printf("%-16s %-24s %-9s %-10s %-8s %s\n", p.id.c_str(), p.name.c_str(), (std::to_string(p.memoryBytes >> 30) + " GiB").c_str(),
                    p.jetpack.substr(0, p.jetpack.find(' ')).c_str(), p.tensorRt.c_str(), prec.c_str());
    }
    return kExitOk;
}

// PARETO_EXPORT_STOP_AT=STAGE[:kill|:cancel|:fail] stops the job at a named stage: kill raises
// SIGKILL on the process (a crash there), cancel behaves like Ctrl-C, fail like an error.
// Tests use it to reach every kill and cancel point without timing games.
ExportHooks hooksFromEnvironment() {
    ExportHooks hooks;
    if (const char* noExchange = std::getenv("PARETO_EXPORT_NO_EXCHANGE"); noExchange && *noExchange && std::string(noExchange) != "0")
        hooks.allowRenameExchange = false;
    const char* stop = std::getenv("PARETO_EXPORT_STOP_AT");
    if (!stop || !*stop) return hooks;
    std::string spec = stop, action = "kill";
    if (const auto colon = spec.find(':'); colon != std::string::npos) {
        action = spec.substr(colon + 1);
        spec.resize(colon);
    }
    hooks.atStage = [spec, action](const std::string& stage) -> Status {
        if (stage != spec) return Status::success();
        if (action == "cancel") return Error::cancelled();
        if (action == "fail") return fail("stopped at stage '" + stage + "' by PARETO_EXPORT_STOP_AT");
        std::fflush(nullptr);
        std::raise(SIGKILL);
        return Status::success();
    };
    return hooks;
}

void printReport(const ExportReport& r) {
    std::printf("package   %s%s\n", r.destination.c_str(), r.replacedExisting ? "  (replaced the previous package)" : "");
    for (const auto& a : r.recoveryActions) std::printf("          recovered: %s\n", a.c_str());
    for (const auto& f : r.files) std::printf("          %-28s %10lld bytes  sha256 %s\n", f.path.c_str(), static_cast<long long>(f.bytes), f.sha256.c_str());
    std::printf("          %lld bytes in all (%s)\n", static_cast<long long>(r.packageBytes), mib(r.packageBytes).c_str());
    if (!r.tarPath.empty()) std::printf("tar.gz    %s (%lld bytes)\n", r.tarPath.c_str(), static_cast<long long>(r.tarBytes));
    std::printf("\nscheme    %s\n", r.scheme.c_str());
    std::printf("weights   %lld bytes of packed tensors (= size report; FP32 %lld: %.2fx, %.3f bits/param); "
                "weights.safetensors is %lld bytes with the %lld-byte safetensors header (length + JSON)\n",
                static_cast<long long>(r.size.bytes), static_cast<long long>(r.size.fp32Bytes), r.size.ratio, r.size.effectiveBitsPerParam,
                static_cast<long long>(r.weightsFile.fileBytes), static_cast<long long>(r.weightsFile.headerBytes));
    const bool script = std::any_of(r.files.begin(), r.files.end(), [](const auto& f) { return f.path == PackageLayout::kModel; });
    if (script) std::printf("model     model.pt, %s weights\n", modelPrecisionName(r.precision));
    else std::printf("model     no model.pt (no TorchScript form): the ONNX files are the runnable model\n");
    std::printf("\ndata      %s (n = %lld, 95 %% bootstrap CIs)\n", r.dataIdentity.c_str(), static_cast<long long>(r.n));
    const bool fp16 = r.precision != ModelPrecision::Fp32;
    std::printf("%-10s %-34s %-34s%s\n", "metric", "FP32 baseline", "compressed", fp16 ? " model.pt (FP16)" : "");
    const auto row = [&](const char* name, const Estimate& a, const Estimate& b, const Estimate& c) {
        std::printf("%-10s %-34s %-34s%s\n", name, formatEstimate(a).c_str(), formatEstimate(b).c_str(), fp16 ? (" " + formatEstimate(c)).c_str() : "");
    };
    row("MSE", r.baseline.mse, r.compressed.mse, r.packagedModel.mse);
    row("PSNR (dB)", r.baseline.psnr, r.compressed.psnr, r.packagedModel.psnr);
    row("SSIM", r.baseline.ssim, r.compressed.ssim, r.packagedModel.ssim);
    std::printf("delta MSE %s %s\n", formatEstimate(r.deltaVsBaseline.mse.estimate).c_str(),
                r.deltaVsBaseline.mse.significant ? "(significant)" : "(not significant: CI crosses 0)");
    if (r.reference) {
        std::printf("reference MSE %s (the checkpoint before the latent reduction)\n", formatEstimate(r.reference->mse).c_str());
        std::printf("delta MSE vs reference %s %s\n", formatEstimate(r.deltaVsReference->mse.estimate).c_str(),
                    r.deltaVsReference->mse.significant ? "(significant)" : "(not significant: CI crosses 0)");
    }
    std::printf("\ngolden    %lld images, largest error %.3g (tolerance %.3g)\n", static_cast<long long>(r.goldenImages), r.goldenMaxAbsError,
                r.goldenTolerance);
    std::printf("target    %s\n", r.fit.summary.c_str());
    std::printf("TensorRT  %s\n", r.tensorRt.summary.c_str());
    for (const auto& line : groupedFindings(r.tensorRt)) std::printf("          %s\n", line.c_str());
    if (r.onnx.available) {
        std::string files;
        for (const auto& f : r.onnx.fileNames()) files += (files.empty() ? "" : ", ") + f;
        std::printf("ONNX      %s for %s: opset %d; TensorRT engine weights %lld bytes; OpenCV DNN golden error %.3g\n", files.c_str(),
                    r.onnx.target.name.c_str(), r.onnx.opset, static_cast<long long>(r.onnx.engineWeightBytes), r.verification.onnxGoldenMaxAbsError);
        std::printf("          model.onnx MSE %s (its weights as stored in ONNX)\n", formatEstimate(r.onnxModel.mse).c_str());
        for (const auto& line : groupedOnnxFindings(r.onnx)) std::printf("          %s\n", line.c_str());
    } else {
        std::printf("ONNX      none: %s\n", r.onnx.reason.c_str());
    }
    std::printf("\nverified  %s: %zu checks from disk in %.2f s (export %.2f s)\n", r.verification.verdict(), r.verification.checks.size(),
                r.verifySeconds, r.seconds);
}

}  // namespace

int runExport(const std::vector<std::string>& argv) {
    std::set<std::string> valueOpts{"data", "split", "limit", "target", "jetpack", "out", "fit-batch", "golden", "batch-size", "provenance", "latent"};
    valueOpts.insert(latentVariantValueOptions().begin(), latentVariantValueOptions().end());
    std::set<std::string> flagOpts{"json", "quiet", "help", "force", "tar", "fp16-model", "list-targets"};
    valueOpts.insert(quantValueOptions().begin(), quantValueOptions().end());
    flagOpts.insert(quantFlagOptions().begin(), quantFlagOptions().end());
    Args args(argv, valueOpts, flagOpts);
    if (args.flag("help")) {
        std::printf("%s\n%s", kExportHelp, kQuantOptionsHelp);
        return kExitOk;
    }
    if (args.ok() && args.flag("list-targets")) return listTargets(args.flag("json"));
    const long long limit = args.intOr("limit", -1);
    const long long batch = args.intOr("batch-size", 64);
    const long long fitBatch = args.intOr("fit-batch", 1);
    const long long goldenCount = args.intOr("golden", kGoldenImages);
    std::string why;
    if (!args.ok()) why = args.error();
    else if (args.positional().size() != 1) why = "expected one checkpoint path";
    else if (!args.value("data")) why = "--data is required";
    else if (!args.value("out")) why = "--out is required";
    else if (!args.value("target")) why = "--target is required (" + deviceProfileIdList() + ")";
    else if (!findDeviceProfile(*args.value("target"))) why = "unknown --target '" + *args.value("target") + "' (" + deviceProfileIdList() + ")";
    else if (args.value("jetpack")) {
        if (auto jp = profileForJetpack(*findDeviceProfile(*args.value("target")), *args.value("jetpack")); !jp) why = jp.error().message;
    }
    else if (batch < 1 || fitBatch < 1 || goldenCount < 1) why = "--batch-size, --fit-batch and --golden must be positive";
    std::optional<LatentChoice> latentItem;
    std::optional<LatentVariantSettings> latentSettings;
    if (why.empty() && args.value("latent")) {
        auto axis = parseLatentAxis(*args.value("latent"), "--latent");
        auto settings = LatentVariantSettings::fromArgs(args);
        if (!axis) why = "--latent: " + axis.error().message;
        else if (axis->size() != 1) why = "--latent takes one METHOD:K (e.g. pca:8)";
        else if (!settings) why = settings.error().message;
        else if ((*axis)[0].method == LatentMethod::Trained && !settings->catalog) why = "--latent trained:K needs --catalog DIR (or --catalog demo)";
        else {
            latentItem = (*axis)[0];
            latentSettings = *settings;
        }
    } else if (why.empty()) {
        for (const std::string& o : latentVariantValueOptions())
            if (args.value(o)) why = "--" + o + " applies to --latent only";
    }
    if (!why.empty()) {
        std::fprintf(stderr, "pareto export: %s\n%s", why.c_str(), kExportHelp);
        return kExitUsage;
    }
    auto plan = quantPlanFromArgs(args);
    if (!plan || !*plan) {
        std::fprintf(stderr, "pareto export: %s\n%s",
                     !plan ? plan.error().message.c_str() : "a configuration is required: --quant S or --map FILE (--quant fp32 for the FP32 model)",
                     kExportHelp);
        return kExitUsage;
    }
    auto inputs = loadCommandInputs(args, limit, args.positional()[0]);
    if (!inputs) return reportError(inputs.error());
    const DataSpec* spec = &inputs->spec;
    const DatasetLoadOptions& options = inputs->options;
    LoadedModel* loaded = &inputs->loaded;
    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    const DatasetLoadOptions& modelOptions = inputs->modelOptions;
    auto images = loadEvaluationImages(*inputs, progress.sub(0.0, 0.1));
    if (!images) return reportError(images.error());
    Dataset* data = &images->data;
    MeanImage* mean = &images->mean;

    const std::string loadedFrom = "loaded from " + loaded->path + " (" + checkpointFormatName(loaded->format) +
                                   (loaded->nestedKey.empty() ? "" : ", nested under '" + loaded->nestedKey + "'") + ")";
    std::shared_ptr<const Model> exported = loaded->model;
    std::string provenance = loadedFrom;
    ProgressSink rest = progress.sub(0.1, 1.0);
    if (latentItem) {
        auto built = buildLatentVariants({*latentItem}, *loaded, *spec, modelOptions, *latentSettings, "--latent", progress.sub(0.1, 0.4));
        if (!built) return reportError(built.error());
        for (const auto& w : built->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
        const LatentVariant& v = built->variants.front();
        exported = v.model;
        provenance = v.method + ":" + std::to_string(v.k) + " — " + v.source + "; the checkpoint itself was " + loadedFrom;
        rest = progress.sub(0.4, 1.0);
    }
    ExportRequest req;
    req.sourceCheckpoint = loaded->path;
    req.provenance = args.valueOr("provenance", provenance);
    req.model = exported;
    if (latentItem) {
        req.reference = loaded->model;
        req.referenceDescription = "the checkpoint as loaded, L = " + std::to_string(loaded->model->info().latentDim);
    }
    req.plan = **plan;
    std::string desc;
    for (const auto& a : argv) desc += (desc.empty() ? "" : " ") + a;
    req.planDescription = "pareto export " + desc;
    req.data = std::make_shared<const Dataset>(std::move(*data));
    req.meanImage = std::move(*mean);
    req.dataSpec = spec->text;
    req.split = options.split ? splitName(*options.split) : (spec->kind == DataSpec::Kind::Folder ? "all" : "test");
    req.limit = limit;
    req.targetProfile = *args.value("target");
    req.fitBatchSize = fitBatch;
    req.destination = *args.value("out");
    req.force = args.flag("force");
    req.tar = args.flag("tar");
    req.modelPrecision = args.flag("fp16-model") ? ModelPrecision::Fp16 : ModelPrecision::Fp32;
    if (auto jp = args.value("jetpack")) req.jetpack = *jp;
    req.batchSize = static_cast<int>(batch);
    req.goldenImages = static_cast<int>(goldenCount);

    auto report = exportPackage(req, rest, hooksFromEnvironment());
    if (!report) return reportError(report.error());
    for (const auto& w : report->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());
    if (args.flag("json")) {
        std::printf("%s\n", dumpJson(ExportJson::report(*report), 2).c_str());
        return kExitOk;
    }
    printReport(*report);
    return kExitOk;
}

}  // namespace pareto::cli
