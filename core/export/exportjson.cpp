#include "export/exportjson.h"

#include "export/packagelayout.h"

#include <cmath>

namespace pareto {

using Json = ExportJson::Json;

Json ExportJson::number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json ExportJson::estimate(const Estimate& e) {
    Json j;
    j["mean"] = number(e.mean);
    j["ci95"] = Json::array({number(e.lo), number(e.hi)});
    j["n"] = e.n;
    return j;
}

Json ExportJson::delta(const DeltaEstimate& d) {
    Json j = estimate(d.estimate);
    j["significant"] = d.significant;
    return j;
}

Json ExportJson::summary(const MetricSummary& s) {
    Json j;
    j["mse"] = estimate(s.mse);
    j["psnr"] = estimate(s.psnr);
    j["ssim"] = estimate(s.ssim);
    return j;
}

Json ExportJson::deltas(const PairedDeltas& d) {
    Json j;
    j["mse"] = delta(d.mse);
    j["psnr"] = delta(d.psnr);
    j["ssim"] = delta(d.ssim);
    return j;
}

Json ExportJson::profile(const DeviceProfile& p) {
    Json j;
    j["id"] = p.id;
    j["name"] = p.name;
    j["gpu"] = p.gpu;
    j["compute_capability"] = p.computeCapability;
    j["memory_bytes"] = p.memoryBytes;
    j["os_reserved_bytes"] = p.osReservedBytes;
    j["runtime_overhead_bytes"] = p.runtimeOverheadBytes;
    j["available_bytes"] = p.availableBytes();
    j["jetpack"] = p.jetpack;
    j["tensorrt"] = p.tensorRt;
    j["precisions"] = p.precisions;
    j["notes"] = p.notes;
    return j;
}

Json ExportJson::fit(const FitEstimate& f) {
    Json j;
    j["profile"] = f.profileId;
    j["batch_size"] = f.batchSize;
    j["precision"] = modelPrecisionName(f.precision);
    j["params"] = f.params;
    j["packed_weight_bytes"] = f.packedWeightBytes;
    j["runtime_weight_bytes"] = f.runtimeWeightBytes;
    j["engine_weight_bytes"] = f.engineWeightBytes;
    j["activation_bytes_per_image"] = f.activationBytesPerImage;
    j["peak_activation_bytes_per_image"] = f.peakActivationBytesPerImage;
    j["activation_bytes"] = f.activationBytes;
    j["runtime_overhead_bytes"] = f.runtimeOverheadBytes;
    j["required_bytes"] = f.requiredBytes;
    j["available_bytes"] = f.availableBytes;
    j["headroom_bytes"] = f.headroomBytes;
    j["fits"] = f.fits;
    j["max_batch"] = f.maxBatch;
    j["warnings"] = f.warnings;
    j["summary"] = f.summary;
    return j;
}

Json ExportJson::tensorRt(const TensorRtCheck& c) {
    Json j;
    j["profile"] = c.profileId;
    j["summary"] = c.summary;
    j["quantized_tensors"] = c.quantizedTensors;
    j["native_tensors"] = c.nativeTensors;
    j["errors"] = c.errors;
    j["warnings"] = c.warnings;
    Json f = Json::array();
    for (const auto& x : c.findings) {
        Json e;
        e["severity"] = severityName(x.severity);
        e["rule"] = x.rule;
        e["tensor"] = x.tensor;
        e["message"] = x.message;
        f.push_back(std::move(e));
    }
    j["findings"] = std::move(f);
    j["grouped"] = groupedFindings(c, false);
    return j;
}

Json ExportJson::size(const SizeReport& s) {
    Json j;
    j["bytes"] = s.bytes;
    j["fp32_bytes"] = s.fp32Bytes;
    j["ratio"] = number(s.ratio);
    j["effective_bits_per_param"] = number(s.effectiveBitsPerParam);
    j["params"] = s.params;
    j["buffer_values"] = s.bufferValues;
    Json t = Json::array();
    for (const auto& e : s.tensors) {
        Json x;
        x["name"] = e.name;
        x["scheme"] = e.scheme;
        x["params"] = e.params;
        x["bytes"] = e.bytes;
        x["buffer"] = e.buffer;
        t.push_back(std::move(x));
    }
    j["tensors"] = std::move(t);
    return j;
}

Json ExportJson::verification(const VerificationReport& r) {
    Json j;
    j["package"] = r.package;
    j["verdict"] = r.verdict();
    j["passed"] = r.passed;
    j["failures"] = r.failures;
    j["skipped"] = r.skipped;
    Json checks = Json::array();
    for (const auto& c : r.checks) {
        Json x;
        x["name"] = c.name;
        x["passed"] = c.passed;
        x["message"] = c.message;
        x["skipped"] = c.skipped;
        checks.push_back(std::move(x));
    }
    j["checks"] = std::move(checks);
    j["files_checked"] = r.filesChecked;
    Json g;
    g["images"] = r.goldenImages;
    g["max_abs_error"] = number(r.goldenMaxAbsError);
    g["weights_max_abs_error"] = number(r.goldenWeightsMaxAbsError);
    g["largest_error"] = number(r.largestError());
    g["tolerance"] = number(r.goldenTolerance);
    j["golden"] = std::move(g);
    j["model_vs_weights_max_abs"] = number(r.weightsVsModelMaxAbs);
    Json m;
    m["checked"] = r.metricsChecked;
    if (r.metricsChecked) {
        m["n"] = r.n;
        m["packaged_model"] = summary(r.packagedModel);
        m["weights"] = summary(r.weightsModel);
        m["max_rel_difference"] = number(r.metricsMaxRelDifference);
    }
    j["metrics"] = std::move(m);
    Json o;
    o["files"] = r.onnxFiles;
    o["files_run"] = r.onnxFilesRun;
    o["golden_max_abs_error"] = number(r.onnxGoldenMaxAbsError);
    o["metrics_checked"] = r.onnxMetricsChecked;
    if (r.onnxMetricsChecked) o["model"] = summary(r.onnxModel);
    j["onnx"] = std::move(o);
    j["seconds"] = r.seconds;
    return j;
}

Json ExportJson::report(const ExportReport& r) {
    Json j;
    j["destination"] = r.destination;
    j["tar"] = r.tarPath.empty() ? Json(nullptr) : Json(r.tarPath);
    j["tar_bytes"] = r.tarBytes;
    j["replaced_existing"] = r.replacedExisting;
    j["recovery_actions"] = r.recoveryActions;
    Json files = Json::array();
    for (const auto& f : r.files) {
        Json x;
        x["path"] = f.path;
        x["bytes"] = f.bytes;
        x["sha256"] = f.sha256;
        files.push_back(std::move(x));
    }
    j["files"] = std::move(files);
    j["package_bytes"] = r.packageBytes;
    j["scheme"] = r.scheme;
    j["model_precision"] = modelPrecisionName(r.precision);
    j["size"] = size(r.size);
    Json wf;
    wf["data_bytes"] = r.weightsFile.dataBytes;
    wf["header_bytes"] = r.weightsFile.headerBytes;
    wf["file_bytes"] = r.weightsFile.fileBytes;
    j["weights_file"] = std::move(wf);
    Json m;
    m["n"] = r.n;
    m["data"] = r.dataIdentity;
    m["baseline"] = summary(r.baseline);
    m["compressed"] = summary(r.compressed);
    m["packaged_model"] = summary(r.packagedModel);
    m["delta_compressed_vs_baseline"] = deltas(r.deltaVsBaseline);
    if (r.reference) {
        m["reference"] = summary(*r.reference);
        m["delta_compressed_vs_reference"] = deltas(*r.deltaVsReference);
    }
    m["mean_image"] = summary(r.meanImage);
    m["untrained_warning"] = r.untrainedWarning;
    m["untrained_reason"] = r.untrainedReason;
    j["metrics"] = std::move(m);
    Json g;
    g["images"] = r.goldenImages;
    g["max_abs_error"] = number(r.goldenMaxAbsError);
    g["tolerance"] = number(r.goldenTolerance);
    j["golden"] = std::move(g);
    j["fit"] = fit(r.fit);
    j["tensorrt"] = tensorRt(r.tensorRt);
    {
        Json o;
        o["available"] = r.onnx.available;
        o["reason"] = r.onnx.reason;
        o["files"] = r.onnx.fileNames();
        if (r.onnx.needsCodebook()) o["codebook"] = PackageLayout::kCodebook;  // the nearest-code step between the files
        o["target"] = r.onnx.target.name;
        o["opset"] = r.onnx.opset;
        o["engine_weight_bytes"] = r.onnx.engineWeightBytes;
        o["findings"] = r.onnx.findings;
        if (r.onnx.available) {
            o["metrics"] = summary(r.onnxModel);
            o["delta_vs_compressed"] = deltas(r.onnxVsCompressed);
        }
        j["onnx"] = std::move(o);
    }
    j["verification"] = verification(r.verification);
    j["warnings"] = r.warnings;
    j["seconds"] = r.seconds;
    j["verify_seconds"] = r.verifySeconds;
    return j;
}

}  // namespace pareto
