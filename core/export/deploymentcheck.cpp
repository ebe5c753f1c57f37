#include "export/deploymentcheck.h"

#include "export/onnxpackage.h"
#include "export/packagelayout.h"
#include "quant/blocklayout.h"
#include "quant/quantizedtensor.h"

#include <algorithm>

namespace pareto {

int64_t plannedBytes(const PlannedTensor& t) {
    if (t.scheme.kind == QuantKind::Float32) return 4 * t.params;
    auto layout = BlockLayout::make(t.shape, t.axis, t.scheme);
    if (!layout) return 4 * t.params;  // the quantizer would refuse it; count it as FP32
    QuantizedTensor q;
    q.shape = t.shape;
    q.axis = t.axis;
    q.scheme = t.scheme;
    q.layout = *layout;
    const QuantizedTensor::StorageSizes s = q.expectedSizes();
    return s.packed + 2 * s.scalesFp16 + 4 * s.scalesFp32 + s.zeroPoints;
}

int64_t plannedBytes(const std::vector<PlannedTensor>& tensors) {
    int64_t total = 0;
    for (const auto& t : tensors) total += plannedBytes(t);
    return total;
}

DeploymentCheck checkDeployment(const Model& model, const QuantPlan& plan, const DeviceProfile& profile, ModelPrecision precision,
                                int64_t batchSize) {
    DeploymentCheck c;
    c.tensors = planTensors(model.tensors(), plan);
    c.bytes = plannedBytes(c.tensors);
    c.onnx = planPackageOnnx(model, c.tensors, profile, precision);
    c.files = packageFileList(model, c.onnx);
    c.fit = estimateFit(model, c.bytes, precision, profile, batchSize, c.onnx.available ? c.onnx.engineWeightBytes : 0);
    c.tensorRt = checkTensorRt(c.tensors, profile, precision);
    c.warnings = c.fit.warnings;
    for (const auto& f : c.tensorRt.findings)
        if (f.severity != TensorRtCheck::Finding::Severity::Info) c.warnings.push_back(f.message);
    for (const auto& f : groupedOnnxFindings(c.onnx)) c.warnings.push_back(f);
    return c;
}

std::vector<std::string> packageFileList(const Model& model, const OnnxPlan& onnx) {
    std::vector<std::string> files{PackageLayout::kWeights};
    const auto artifacts = model.exportArtifacts();
    if (std::find(artifacts.begin(), artifacts.end(), ExportArtifact::TorchScript) != artifacts.end()) files.push_back(PackageLayout::kModel);
    for (const auto& f : onnx.fileNames()) files.push_back(f);
    if (onnx.needsCodebook()) files.push_back(PackageLayout::kCodebook);
    for (const char* f : {PackageLayout::kGoldenInput, PackageLayout::kGoldenExpected}) files.push_back(f);
    if (onnx.available) files.push_back(PackageLayout::kGoldenOnnxExpected);
    files.push_back(PackageLayout::kGoldenTolerance);
    files.push_back(PackageLayout::kReadme);
    if (onnx.available) files.push_back(PackageLayout::kVerifyTrt);
    files.push_back(PackageLayout::kManifest);
    files.push_back(PackageLayout::kManifestHash);
    return files;
}

}  // namespace pareto
