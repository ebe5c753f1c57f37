// SPDX-License-Identifier: Apache-2.0
#include "export/packageexporter.h"

#include "common/atomicfile.h"
#include "common/hash.h"
#include "common/jsontext.h"
#include "compress/compressionevaluation.h"
#include "export/deploymentcheck.h"
#include "export/exportjson.h"
#include "export/goldenset.h"
#include "export/onnxpackage.h"
#include "export/packageinstaller.h"
#include "export/packagelayout.h"
#include "export/packagereadme.h"
#include "export/packedweights.h"
#include "export/plannedtensor.h"
#include "export/precisionweights.h"
#include "export/targzwriter.h"
#include "io/safetensors.h"
#include "model/modeljson.h"
#include "model/nearestcode.h"
#include "onnx/onnxgraphwriter.h"
#include "quant/sizereport.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <tuple>
#include <unistd.h>

#ifndef PARETO_VERSION
#define PARETO_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace pareto {
namespace {

using Json = nlohmann::ordered_json;

const char* kToolName = "pareto";

// Removes the staging folder unless the package was moved out of it.
class StagingFolder {
public:
    explicit StagingFolder(std::string path) : m_path(std::move(path)) {}
    ~StagingFolder() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& rel) const { return (fs::path(m_path) / rel).string(); }

private:
    std::string m_path;
};

double nominalBits(const std::string& scheme) {
    if (scheme == "fp32") return 32;
    auto s = QuantScheme::parse(scheme);
    if (!s) return 32;
    switch (s->kind) {
    case QuantKind::Float32: return 32;
    case QuantKind::Float16:
    case QuantKind::BFloat16: return 16;
    case QuantKind::Integer: return s->bits;
    case QuantKind::NF4: return 4;
    case QuantKind::Ternary: return s->ternaryPacking == TernaryPacking::Base3 ? 8.0 / 5.0 : 2.0;
    }
    return 32;
}

std::string utcNow(int64_t* epoch) {
    const std::time_t t = std::time(nullptr);
    *epoch = static_cast<int64_t>(t);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

double relDiff(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return 0.0;
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-12});
}

// The largest relative difference between two summaries, and which figure it is in.
struct SummaryGap {
    double rel = 0;
    std::string where;  ///< e.g. "MSE CI low 0.0123457 vs 0.0123456"
};

SummaryGap summaryGap(const MetricSummary& a, const MetricSummary& b) {
    SummaryGap gap;
    const auto consider = [&](const char* metric, const char* figure, double x, double y) {
        const double d = relDiff(x, y);
        if (!(d <= gap.rel)) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "%s %s %.9g vs %.9g", metric, figure, x, y);
            gap = {d, buf};
        }
    };
    for (const auto& [name, x, y] : {std::tuple{"MSE", &a.mse, &b.mse}, std::tuple{"PSNR", &a.psnr, &b.psnr}, std::tuple{"SSIM", &a.ssim, &b.ssim}}) {
        consider(name, "mean", x->mean, y->mean);
        consider(name, "CI low", x->lo, y->lo);
        consider(name, "CI high", x->hi, y->hi);
    }
    return gap;
}

double summaryDiff(const MetricSummary& a, const MetricSummary& b) { return summaryGap(a, b).rel; }

std::string relText(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", d);
    return buf;
}

Json planJson(const QuantPlan& plan) {
    Json map = Json::array();
    for (const auto& r : plan.precisionMap.rules()) {
        Json e;
        e["pattern"] = r.pattern;
        e["scheme"] = r.scheme.toString();
        map.push_back(std::move(e));
    }
    return map;
}

// The manifest's "onnx": per file its opset and the TensorRT versions that build it, per
// tensor its storage and the precision TensorRT holds it in.
Json onnxManifest(const ExportReport& report, const OnnxFiles& files) {
    const OnnxPlan& plan = report.onnx;
    Json o;
    if (!plan.available) {
        o["files"] = Json::array();
        o["reason"] = plan.reason;
        return o;
    }
    Json list = Json::array();
    for (const OnnxFile& f : files.files) {
        Json x;
        x["file"] = f.file;
        x["graph"] = onnxGraphPartName(f.part);
        if (f.batch > 0) x["input"] = {{"name", f.input}, {"shape", f.inputShape}, {"batch", f.batch}};
        else x["input"] = {{"name", f.input}, {"shape", f.inputShape}, {"batch", "dynamic (N)"}};
        x["output"] = {{"name", f.output}, {"shape", f.outputShape}};
        x["opset"] = f.opset;
        x["ir_version"] = f.irVersion;
        x["tensorrt"] = f.tensorRt;
        x["bytes"] = static_cast<int64_t>(f.bytes.size());
        x["tensors"] = f.tensors;
        list.push_back(std::move(x));
    }
    o["files"] = std::move(list);
    if (plan.needsCodebook()) {
        const OnnxTensorPlan* cb = plan.find(plan.step.codebookTensor);
        o["latent_step"] = {
            {"kind", "nearest-code"},
            {"file", PackageLayout::kCodebook},
            {"tensor", "codebook"},
            {"model_tensor", plan.step.codebookTensor},
            {"shape", cb ? cb->shape : std::vector<int64_t>{}},
            {"rule", "between encoder.onnx and decoder.onnx, on the device: for every grid position of z_e [N, L, h, w], the code c_k "
                     "(a row of codebook [K, L], float32) with the smallest sum over L of (z_e - c_k)^2, ties to the lowest k; "
                     "z_q[n, :, i, j] = c_k. golden/onnx_expected.safetensors holds z_q for the golden batch"}};
    }
    o["target"] = {{"name", plan.target.name}, {"jetpack", plan.target.jetpack}, {"tensorrt", plan.target.tensorRt}};
    o["precision"] = modelPrecisionName(plan.precision);
    o["storage"] = "INT8 per output channel (axis 0 Conv/Gemm with transB = 1, axis 1 ConvTranspose and MatMul / Gemm with transB = 0 weights [in, out]) or per tensor, symmetric: an INT8 "
                   "initializer + DequantizeLinear with FP32 scales equal to the packed FP16 scales and zero-point 0 (opset 13); INT4 "
                   "(TensorRT 10 only) for Gemm/MatMul weights: W^T as an INT4 initializer, two values per byte, + DequantizeLinear per "
                   "channel or blocked along K (opset 21); every other tensor TensorRT cannot take as stored: FP16 initializer + Cast, "
                   "named in findings; FP32 tensors as plain initializers";
    Json tensors = Json::array();
    for (const auto& t : plan.tensors) tensors.push_back(onnxTensorJson(t));
    o["tensors"] = std::move(tensors);
    o["findings"] = plan.findings;
    o["engine_weight_bytes"] = plan.engineWeightBytes;
    o["golden_expected"] = PackageLayout::kGoldenOnnxExpected;
    o["metrics"] = ExportJson::summary(report.onnxModel);
    o["delta_vs_compressed"] = ExportJson::deltas(report.onnxVsCompressed);
    o["validation"] = "each file re-opened from disk, its structure checked against these records and weights.safetensors, its weight "
                      "DequantizeLinear / Cast nodes folded into FP32 initializers in memory (as TensorRT folds weight DQ), and run "
                      "with OpenCV DNN on golden/ (max abs error <= the golden tolerance; decoder.onnx on what the device feeds it: "
                      "mu, or with a nearest-code step the codes nearest to encoder.onnx's output) and model.onnx (or encoder.onnx -> "
                      "step -> decoder.onnx) on the metric images (relative difference <= 1e-5)";
    return o;
}

}  // namespace

const std::vector<std::string>& exportStages() {
    static const std::vector<std::string> stages{"measure",      "write-weights", "write-model", "write-onnx", "write-golden",
                                                 "write-readme", "write-manifest", "verify",     "tar",        "install",
                                                 "swap-aside",   "remove-old",     "done"};
    return stages;
}

Result<ExportReport> exportPackage(const ExportRequest& req, const ProgressSink& progress, const ExportHooks& hooks) {
    const auto t0 = std::chrono::steady_clock::now();
    ExportReport report;

    // The request, checked before anything is computed or written.
    if (!req.model) return fail("export: no model given");
    if (!req.data || req.data->size() == 0) return fail("export: no evaluation images given");
    if (!req.meanImage.image.defined()) return fail("export: no mean image given for the baseline");
    const DeviceProfile* board = findDeviceProfile(req.targetProfile);
    if (!board) return fail("export: unknown target '" + req.targetProfile + "' (known: " + deviceProfileIdList() + ")");
    auto boardAtJetpack = profileForJetpack(*board, req.jetpack);
    if (!boardAtJetpack) return fail("export: " + boardAtJetpack.error().message);
    const DeviceProfile* profile = &*boardAtJetpack;
    if (req.destination.empty()) return fail("export: no destination folder given");
    if (Status st = req.plan.defaultScheme.validate(); !st) return fail("export: " + st.error().message);
    const std::vector<ExportArtifact> artifacts = req.model->exportArtifacts();
    const bool writeScript = std::find(artifacts.begin(), artifacts.end(), ExportArtifact::TorchScript) != artifacts.end();
    if (req.modelPrecision != ModelPrecision::Fp32 && !writeScript)
        return fail("export: an FP16 model.pt needs a model.pt, and " + req.model->describe() + " has none: " + req.model->noTorchScriptReason());

    const PackageInstaller installer(req.destination);
    const std::string dest = installer.destination();
    const std::string name = fs::path(dest).filename().string();
    std::error_code ec;
    const fs::path parent = fs::path(dest).has_parent_path() ? fs::path(dest).parent_path() : fs::path(".");
    if (name.empty() || name == "." || name == "..") return fail(dest + ": not a usable package folder name");
    if (!fs::is_directory(parent, ec)) return fail(dest + ": parent folder " + parent.string() + " does not exist");

    auto recovered = installer.recover();
    if (!recovered) return recovered.error();
    report.recoveryActions = *recovered;

    const bool destExists = fs::exists(dest, ec) || fs::is_symlink(dest, ec);
    if (destExists && !req.force)
        return fail(dest + ": already exists; use --force to replace it (the old package stays until the new one is validated)");
    if (fs::is_symlink(dest, ec))
        return fail(dest + ": is a symbolic link; not replacing it (give the folder it points to as --out)");
    if (destExists && !PackageInstaller::isReplaceable(dest))
        return fail(dest + ": exists and is not a Pareto package (no manifest.json and manifest.sha256); not replacing it");
    const std::string tarPath = installer.tarPath();
    const bool tarExists = fs::exists(tarPath, ec);
    if (req.tar && tarExists && !req.force) return fail(tarPath + ": already exists; use --force to replace it");

    std::string sourceSha;
    int64_t sourceBytes = 0;
    if (!req.sourceCheckpoint.empty()) {
        auto sha = sha256File(req.sourceCheckpoint);
        if (!sha) return sha.error();
        sourceSha = *sha;
        sourceBytes = static_cast<int64_t>(fs::file_size(req.sourceCheckpoint, ec));
    } else {
        report.warnings.push_back("no source checkpoint file: the manifest cannot record its SHA-256");
    }

    const auto stage = [&](const std::string& s, double fraction) -> Status {
        if (!progress.update(fraction, s)) return Error::cancelled();
        if (hooks.atStage)
            if (Status st = hooks.atStage(s); !st) return st;
        if (progress.cancelled()) return Error::cancelled();
        return Status::success();
    };

    // 1. Measure exactly as `pareto eval --quant` does.
    if (Status st = stage("measure", 0.0); !st) return st.error();
    const QuantPlan& plan = req.plan;
    auto comp = evaluateCompression(*req.model, plan, *req.data, req.meanImage, req.batchSize, progress.sub(0.0, 0.35));
    if (!comp) return comp.error();
    const std::shared_ptr<const Model> compressedModel = comp->compressedModel;
    const ModelPrecision precision = req.modelPrecision;
    // What model.pt computes with: the dequantized weights at its precision.
    auto packaged = compressedModel->withWeights(weightsAtPrecision(comp->quantized.dequantized, precision));
    if (!packaged) return packaged.error();
    const std::shared_ptr<const Model> packagedModel = *packaged;
    const ModelInfo info = req.model->info();
    MetricSummary packagedSummary = comp->compressed;
    PairedDeltas packagedVsCompressed{};
    if (precision != ModelPrecision::Fp32) {
        auto m = evaluateModel(*packagedModel, *req.data, req.batchSize, progress.sub(0.35, 0.4));
        if (!m) return m.error();
        packagedSummary = summarize(*m);
        packagedVsCompressed = pairedDeltas(comp->compressedPerImage, *m);
    }
    // The model this one was derived from (a latent reduction's original), same images.
    if (req.reference) {
        if (req.reference->info().inputShape != req.model->info().inputShape)
            return fail("export: the reference model's input differs from the exported model's");
        auto refMetrics = evaluateModel(*req.reference, *req.data, req.batchSize, progress.sub(0.4, 0.45));
        if (!refMetrics) return refMetrics.error();
        report.reference = summarize(*refMetrics);
        report.deltaVsReference = pairedDeltas(*refMetrics, comp->compressedPerImage);
    }
    if (req.studioMetrics && summaryDiff(*req.studioMetrics, comp->compressed) > kMetricRelTolerance)
        return fail(dest + ": the export measured MSE " + std::to_string(comp->compressed.mse.mean) + " but the studio showed " +
                    std::to_string(req.studioMetrics->mse.mean) + " for this configuration: not exporting numbers the user did not see");
    for (const auto& w : comp->quantized.warnings) report.warnings.push_back(w);
    if (comp->fp32.untrained.warning) report.warnings.push_back("untrained-looking model: " + comp->fp32.untrained.reason);

    const std::vector<PlannedTensor> planned = planTensors(req.model->tensors(), plan);
    // The dialog's cheap byte count must be the quantizer's, or its warnings were about another size.
    if (plannedBytes(planned) != comp->quantized.size.bytes)
        return fail("export: planned size " + std::to_string(plannedBytes(planned)) + " bytes differs from the quantized size " +
                    std::to_string(comp->quantized.size.bytes));
    report.onnx = planPackageOnnx(*req.model, planned, *profile, precision);
    report.fit = estimateFit(*req.model, comp->quantized.size.bytes, precision, *profile, req.fitBatchSize,
                             report.onnx.available ? report.onnx.engineWeightBytes : 0);
    report.tensorRt = checkTensorRt(planned, *profile, precision);
    for (const auto& w : report.fit.warnings) report.warnings.push_back(w);
    // Tensors the ONNX stores otherwise than the packed weights: never silently.
    for (const auto& w : groupedOnnxFindings(report.onnx)) report.warnings.push_back(w);

    // 2. Write everything into a staging folder beside the destination.
    StagingFolder staging(installer.makeStagingPath());
    if (!fs::create_directory(staging.path(), ec)) return fail(staging.path() + ": cannot create the staging folder: " + ec.message());
    const std::string producer = std::string(kToolName) + " " + PARETO_VERSION;

    if (Status st = stage("write-weights", 0.40); !st) return st.error();
    auto weightsInfo = writePackedWeights(staging.file(PackageLayout::kWeights), comp->quantized, producer);
    if (!weightsInfo) return weightsInfo.error();

    if (Status st = stage("write-model", 0.43); !st) return st.error();
    std::string script;
    if (writeScript) {
        auto archive = compressedModel->torchScriptArchive(precision);
        if (!archive) return archive.error();
        script = std::move(*archive);
        if (Status st = writeFileAtomic(staging.file(PackageLayout::kModel), script); !st) return st.error();
    } else {
        report.warnings.push_back("no model.pt: " + req.model->noTorchScriptReason());
    }

    // The ONNX files, and the same graph's weights in memory: what the files must reproduce.
    if (Status st = stage("write-onnx", 0.45); !st) return st.error();
    OnnxFiles onnxFiles;
    std::shared_ptr<const Model> onnxModel;
    at::Tensor onnxCodebook;
    if (report.onnx.available) {
        auto files = writeOnnxFiles(*req.model, report.onnx, comp->quantized, producer);
        if (!files) return files.error();
        onnxFiles = std::move(*files);
        for (const OnnxFile& f : onnxFiles.files)
            if (Status st = writeFileAtomic(staging.file(f.file), f.bytes); !st) return st.error();
        // The codes as the decoder is validated with them, for the device's nearest-code step.
        if (report.onnx.needsCodebook()) {
            const at::Tensor* cb = onnxFiles.values.find(report.onnx.step.codebookTensor);
            if (!cb) return fail(req.model->describe() + ": its codebook '" + report.onnx.step.codebookTensor + "' is not a tensor of the ONNX plan");
            onnxCodebook = cb->to(at::kFloat).contiguous();
            StateDict out;
            out.set("codebook", onnxCodebook);
            if (Status st = writeSafetensors(staging.file(PackageLayout::kCodebook), out, {}); !st) return st.error();
        }
        auto m = compressedModel->withWeights(onnxFiles.values);
        if (!m) return m.error();
        onnxModel = *m;
        auto measured = evaluateModel(*onnxModel, *req.data, req.batchSize, progress.sub(0.45, 0.47));
        if (!measured) return measured.error();
        report.onnxModel = summarize(*measured);
        report.onnxVsCompressed = pairedDeltas(comp->compressedPerImage, *measured);
    } else {
        report.warnings.push_back("no ONNX: " + report.onnx.reason);
    }

    if (Status st = stage("write-golden", 0.47); !st) return st.error();
    GoldenSet golden;
    {
        const int64_t k = std::min<int64_t>(std::max(1, req.goldenImages), req.data->size());
        // In the model's own ranges: what a device feeds model.pt and gets back.
        at::NoGradGuard noGrad;
        golden.input = packagedModel->toInputRange(req.data->batch(0, k)).to(at::kFloat).contiguous().clone();
        golden.reconstruction = packagedModel->forwardNative(golden.input).to(at::kFloat).contiguous();
        if (info.interface == ModelInterface::Vae) golden.mu = packagedModel->encodeNative(golden.input).to(at::kFloat).contiguous();
        for (int64_t i = 0; i < k && i < static_cast<int64_t>(req.data->ids.size()); ++i) golden.ids.push_back(req.data->ids[static_cast<size_t>(i)]);
        if (Status st = golden.write(staging.path()); !st) return st.error();
        if (onnxModel) {
            StateDict out;
            out.set("reconstruction", onnxModel->forwardNative(golden.input).to(at::kFloat).contiguous());
            if (info.interface == ModelInterface::Vae) out.set("mu", onnxModel->encodeNative(golden.input).to(at::kFloat).contiguous());
            if (onnxCodebook.defined()) out.set("z_q", nearestCodeVectors(out.get("mu"), onnxCodebook));
            if (Status st = writeSafetensors(staging.file(PackageLayout::kGoldenOnnxExpected), out, {}); !st) return st.error();
        }
    }

    // The manifest, minus its file list (which needs the README's hash).
    int64_t epoch = 0;
    Json m;
    m["schema"] = PackageLayout::kSchema;
    m["schema_version"] = PackageLayout::kSchemaVersion;
    m["created_utc"] = utcNow(&epoch);
    m["tool"] = {{"name", kToolName}, {"version", PARETO_VERSION}};
    m["source"] = {{"checkpoint", req.sourceCheckpoint}, {"checkpoint_sha256", sourceSha}, {"checkpoint_bytes", sourceBytes},
                   {"provenance", req.provenance}};
    {
        Json a = modelInfoJson(info);
        a["description"] = req.model->describe();
        a["channels"] = info.inputShape.empty() ? 0 : info.inputShape[0];
        m["architecture"] = std::move(a);
    }
    {
        Json list = Json::array({PackageLayout::kWeights});
        if (writeScript) list.push_back(PackageLayout::kModel);
        for (const OnnxFile& f : onnxFiles.files) list.push_back(f.file);
        if (onnxCodebook.defined()) list.push_back(PackageLayout::kCodebook);
        m["artifacts"] = std::move(list);
    }
    const SizeReport& size = comp->quantized.size;
    const std::string schemeText = plan.defaultScheme.toString() + (plan.precisionMap.empty() ? "" : " + precision map");
    {
        Json conf;
        conf["scheme"] = schemeText;
        conf["default_scheme"] = plan.defaultScheme.toString();
        conf["precision_map"] = planJson(plan);
        conf["quantize_biases"] = plan.quantizeBiases;
        conf["description"] = req.planDescription;
        conf["unmatched_parameters"] = comp->quantized.matches.unmatchedParameters;
        Json tensors = Json::array();
        for (const auto& t : planned) {
            const SizeReport::Entry* e = size.find(t.name);
            Json x;
            x["name"] = t.name;
            x["shape"] = t.shape;
            x["layer"] = plannedLayerName(t);
            x["buffer"] = t.buffer;
            x["scheme"] = e ? e->scheme : t.scheme.toString();
            x["axis"] = t.axis;
            x["params"] = t.params;
            x["bytes"] = e ? e->bytes : 0;
            tensors.push_back(std::move(x));
        }
        conf["tensors"] = std::move(tensors);
        m["configuration"] = std::move(conf);
    }
    {
        double bits = 0;
        for (const auto& e : size.tensors) bits += static_cast<double>(e.params) * nominalBits(e.scheme);
        Json w;
        w["file"] = PackageLayout::kWeights;
        w["format"] = kPackedWeightsFormat;
        w["format_version"] = kPackedWeightsFormatVersion;
        w["bytes"] = size.bytes;
        w["bytes_counts"] = "the data section of weights.safetensors: packed values + scales + zero-points + every tensor left in FP32 (the size report); file_bytes adds the 8-byte length and the JSON header";
        w["data_bytes"] = weightsInfo->dataBytes;
        w["header_bytes"] = weightsInfo->headerBytes;
        w["file_bytes"] = weightsInfo->fileBytes;
        w["params"] = size.params;
        w["fp32_bytes"] = size.fp32Bytes;
        w["ratio"] = size.ratio;  // vs this model's own FP32
        // The headline ratio: vs the FP32 bytes of the model the user opened (the reference
        // when the exported model was derived from it, e.g. a PCA fold), as the studio shows it.
        w["ratio_vs_original"] = ratioVsOriginal((req.reference ? req.reference : req.model)->info().fp32Bytes(), size.bytes);
        w["effective_bits_per_param"] = size.effectiveBitsPerParam;
        w["nominal_bits_per_param"] = size.params > 0 ? bits / static_cast<double>(size.params) : 0.0;
        w["tensors"] = ExportJson::size(size)["tensors"];
        m["weights"] = std::move(w);
    }
    if (writeScript) {
        const Json methods = info.interface == ModelInterface::Vae
                                 ? Json{"encode(x) -> mu (or a tuple whose first element is mu)", "decode(z) -> reconstruction",
                                        "forward(x) -> decode(mu)"}
                                 : Json{"forward(x) -> reconstruction"};
        m["model"] = {{"file", PackageLayout::kModel},
                      {"format", "torchscript"},
                      {"precision", modelPrecisionName(precision)},
                      {"methods", methods},
                      {"weights", precision == ModelPrecision::Fp32 ? "the dequantized weights of weights.safetensors, float32"
                                                                    : "the dequantized weights of weights.safetensors rounded to float16; ops compute in the input's dtype"},
                      {"file_bytes", static_cast<int64_t>(script.size())}};
    } else {
        m["model"] = {{"file", nullptr}, {"precision", modelPrecisionName(precision)}, {"reason", req.model->noTorchScriptReason()}};
    }
    {
        Json met;
        met["data"] = {{"spec", req.dataSpec},
                       {"split", req.split},
                       {"limit", req.limit},
                       {"n", req.data->size()},
                       {"identity", req.data->identity},
                       {"images_sha256", datasetImagesSha256(*req.data)},
                       {"notes", req.data->notes}};
        met["batch_size"] = req.batchSize;
        met["method"] = "decode(mu), deterministic; per-image MSE, PSNR, SSIM; means with 95 % percentile bootstrap CIs (1000 resamples, fixed seed)";
        met["baseline"] = ExportJson::summary(comp->fp32.summary);
        met["compressed"] = ExportJson::summary(comp->compressed);
        met["packaged_model"] = ExportJson::summary(packagedSummary);
        met["delta_compressed_vs_baseline"] = ExportJson::deltas(comp->deltaVsFp32);
        if (precision != ModelPrecision::Fp32) met["delta_packaged_vs_compressed"] = ExportJson::deltas(packagedVsCompressed);
        if (report.reference) {
            Json ref = ExportJson::summary(*report.reference);
            ref["model"] = req.referenceDescription;
            met["reference"] = std::move(ref);
            met["delta_compressed_vs_reference"] = ExportJson::deltas(*report.deltaVsReference);
        }
        Json mean = ExportJson::summary(comp->fp32.baselineSummary);
        mean["source"] = comp->fp32.baselineSource;
        met["mean_image"] = std::move(mean);
        met["untrained_warning"] = comp->fp32.untrained.warning;
        met["untrained_reason"] = comp->fp32.untrained.reason;
        m["metrics"] = std::move(met);
    }
    m["golden"] = {{"input", PackageLayout::kGoldenInput},
                   {"expected", PackageLayout::kGoldenExpected},
                   {"tolerance", PackageLayout::kGoldenTolerance},
                   {"images", golden.input.size(0)},
                   {"ids", golden.ids},
                   {"max_abs_error", golden.maxAbsError}};
    m["onnx"] = onnxManifest(report, onnxFiles);
    m["target"] = {{"profile", ExportJson::profile(*profile)}, {"jetpack", jetpackLine(*profile)}, {"fit", ExportJson::fit(report.fit)}};
    m["tensorrt"] = ExportJson::tensorRt(report.tensorRt);
    m["warnings"] = report.warnings;

    if (Status st = stage("write-readme", 0.50); !st) return st.error();
    if (Status st = writeFileAtomic(staging.file(PackageLayout::kReadme), PackageReadme::render(m, name)); !st) return st.error();
    if (onnxModel)
        if (Status st = writeFileAtomic(staging.file(PackageLayout::kVerifyTrt), PackageReadme::verifyTrtScript(m)); !st) return st.error();

    if (Status st = stage("write-manifest", 0.53); !st) return st.error();
    {
        Json files = Json::object();
        std::vector<std::string> rels{PackageLayout::kWeights, PackageLayout::kModel};
        for (const OnnxFile& f : onnxFiles.files) rels.push_back(f.file);
        if (onnxCodebook.defined()) rels.push_back(PackageLayout::kCodebook);
        for (const char* r : {PackageLayout::kGoldenInput, PackageLayout::kGoldenExpected, PackageLayout::kGoldenOnnxExpected,
                              PackageLayout::kGoldenTolerance, PackageLayout::kReadme, PackageLayout::kVerifyTrt})
            rels.push_back(r);
        for (const std::string& rel : rels) {
            if (rel == PackageLayout::kModel && !writeScript) continue;
            if ((rel == PackageLayout::kGoldenOnnxExpected || rel == PackageLayout::kVerifyTrt) && !onnxModel) continue;
            auto sha = sha256File(staging.file(rel));
            if (!sha) return sha.error();
            const int64_t bytes = static_cast<int64_t>(fs::file_size(staging.file(rel), ec));
            files[rel] = {{"sha256", *sha}, {"bytes", bytes}};
            report.files.push_back({rel, bytes, *sha});
        }
        m["files"] = std::move(files);
        report.manifestJson = dumpJson(m, 2) + "\n";
        if (Status st = writeFileAtomic(staging.file(PackageLayout::kManifest), report.manifestJson); !st) return st.error();
        const std::string manifestSha = sha256Hex(report.manifestJson.data(), report.manifestJson.size());
        const std::string hashLine = PackageLayout::manifestHashLine(manifestSha);
        if (Status st = writeFileAtomic(staging.file(PackageLayout::kManifestHash), hashLine); !st) return st.error();
        report.files.push_back({PackageLayout::kManifest, static_cast<int64_t>(report.manifestJson.size()), manifestSha});
        report.files.push_back({PackageLayout::kManifestHash, static_cast<int64_t>(hashLine.size()), sha256Hex(hashLine.data(), hashLine.size())});
    }

    // 3. Re-open from disk through the verifier and re-measure.
    if (Status st = stage("verify", 0.55); !st) return st.error();
    VerifyOptions vo;
    vo.trustCode = true;  // the package this export just wrote: its model.pt is our own program
    vo.data = req.data.get();
    vo.batchSize = req.batchSize;
    auto verification = verifyPackage(staging.path(), vo, progress.sub(0.55, 0.95));
    if (!verification) return verification.error();
    report.verification = std::move(*verification);
    report.verifySeconds = report.verification.seconds;
    if (!report.verification.passed)
        return fail(dest + ": validation failed, nothing installed: " + report.verification.failures.front());
    if (!report.verification.metricsChecked) return fail(dest + ": validation failed, nothing installed: metrics were not re-measured");
    const SummaryGap dModel = writeScript ? summaryGap(report.verification.packagedModel, packagedSummary) : SummaryGap{};
    const SummaryGap dWeights = summaryGap(report.verification.weightsModel, comp->compressed);
    if (dModel.rel > kMetricRelTolerance || dWeights.rel > kMetricRelTolerance) {
        const SummaryGap& worst = dModel.rel > dWeights.rel ? dModel : dWeights;
        return fail(dest + ": validation failed, nothing installed: metrics re-measured from the package differ from the studio's (relative " +
                    relText(worst.rel) + " > " + relText(kMetricRelTolerance) + ", " + worst.where + ")");
    }
    if (onnxModel) {
        // The ONNX files from disk, run by OpenCV DNN: every file on the golden batch, model.onnx (or
        // encoder -> step -> decoder) on every image.
        if (report.verification.onnxFilesRun != static_cast<int64_t>(onnxFiles.files.size()) || !report.verification.onnxMetricsChecked)
            return fail(dest + ": validation failed, nothing installed: the ONNX files were not all run from disk");
        const SummaryGap dOnnx = summaryGap(report.verification.onnxModel, report.onnxModel);
        if (dOnnx.rel > kMetricRelTolerance)
            return fail(dest + ": validation failed, nothing installed: " + report.verification.onnxMetricsLabel + " run by OpenCV DNN measures metrics " + relText(dOnnx.rel) + " > " +
                        relText(kMetricRelTolerance) + " (relative) away from its weights computed in memory (" + dOnnx.where + ")");
    }

    // The tar.gz is written completely before the folder moves, and renamed in right after it.
    std::string tarTemp;
    struct TempFile {
        std::string* path;
        ~TempFile() {
            std::error_code e;
            if (!path->empty()) fs::remove(*path, e);
        }
    } tarGuard{&tarTemp};
    if (req.tar) {
        if (Status st = stage("tar", 0.95); !st) return st.error();
        auto t = TarGzWriter::archive(staging.path(), name, epoch);
        if (!t) return t.error();
        const std::string tmp = tarPath + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
        if (Status st = writeFileAtomic(tmp, *t); !st) return st.error();
        tarTemp = tmp;
        report.tarBytes = static_cast<int64_t>(t->size());
    }

    // 4. Into place. A tar.gz of the package being replaced goes aside first, tagged with
    // that package's manifest hash, so a crash at any point never leaves a folder beside a
    // tar.gz of another package (PackageInstaller::recover() rule 4).
    std::string tarAside;
    if (tarExists && (destExists || req.tar)) {
        tarAside = installer.tarAsidePath(PackageInstaller::manifestHashOf(dest));
        if (Status st = PackageInstaller::placeFile(tarPath, tarAside, false); !st) return st.error();
    }
    const auto restoreTar = [&]() {
        if (!tarAside.empty()) (void)PackageInstaller::placeFile(tarAside, tarPath, false);
    };
    const auto installHook = [&](const std::string& s) { return stage(s, 0.97); };
    if (Status st = installer.install(staging.path(), destExists, installHook, hooks.allowRenameExchange); !st) {
        restoreTar();
        return st.error();
    }
    report.replacedExisting = destExists;
    if (req.tar) {
        if (Status st = PackageInstaller::placeFile(tarTemp, tarPath, req.force); !st)
            return fail(tarPath + ": the package is installed at " + dest + " but its .tar.gz could not be moved into place: " + st.error().message);
        tarTemp.clear();
        report.tarPath = tarPath;
    } else if (!tarAside.empty()) {
        report.warnings.push_back("removed " + tarPath + ": it held the replaced package");
    }
    if (!tarAside.empty()) fs::remove(tarAside, ec);

    report.destination = dest;
    for (const auto& f : report.files) report.packageBytes += f.bytes;
    report.size = size;
    report.weightsFile = *weightsInfo;
    report.precision = precision;
    report.scheme = schemeText;
    report.n = req.data->size();
    report.dataIdentity = req.data->identity;
    report.baseline = comp->fp32.summary;
    report.compressed = comp->compressed;
    report.packagedModel = packagedSummary;
    report.deltaVsBaseline = comp->deltaVsFp32;
    report.meanImage = comp->fp32.baselineSummary;
    report.untrainedWarning = comp->fp32.untrained.warning;
    report.untrainedReason = comp->fp32.untrained.reason;
    report.goldenImages = report.verification.goldenImages;
    report.goldenMaxAbsError = report.verification.largestError();
    report.goldenTolerance = report.verification.goldenTolerance;
    progress.update(1.0, "done");
    if (hooks.atStage) (void)hooks.atStage("done");
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

}  // namespace pareto
