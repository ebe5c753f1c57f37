// SPDX-License-Identifier: Apache-2.0
#include "onnx/onnxplan.h"

#include <algorithm>

namespace pareto {

const OnnxTensorPlan* OnnxPlan::find(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<std::string> OnnxPlan::fileNames() const {
    std::vector<std::string> out;
    for (OnnxGraphPart p : parts) out.push_back(onnxGraphPartFile(p));
    return out;
}

int64_t onnxIrVersion(int opset) { return opset >= kOnnxOpsetInt4 ? 10 : opset >= 15 ? 8 : 7; }

std::vector<std::string> onnxTensorRtVersions(int opset, bool int8Qdq) {
    if (opset >= kOnnxOpsetInt4) return {"10.3"};
    // TensorRT 8.2 parses opset 13, but the only board it serves (Maxwell) has no INT8.
    if (int8Qdq) return {"8.5", "10.3"};
    return {"8.2", "8.5", "10.3"};
}

OnnxPlan planOnnx(const Model& model, const std::vector<OnnxTensorChoice>& tensors, const OnnxTarget& target, ModelPrecision precision) {
    OnnxPlan p;
    p.target = target;
    p.precision = precision;
    p.parts = model.onnxGraphParts();
    p.step = model.onnxLatentStep();
    const auto artifacts = model.exportArtifacts();
    p.available = !p.parts.empty() && std::find(artifacts.begin(), artifacts.end(), ExportArtifact::Onnx) != artifacts.end();
    if (!p.available) {
        p.parts.clear();
        p.reason = model.noOnnxReason();
        return p;
    }
    // A user's own graph stays at the opset its ops were exported for: no INT4 (opset 21) above it.
    OnnxTarget effective = target;
    if (const int ceiling = model.onnxMaxOpset(); ceiling > 0 && ceiling < kOnnxOpsetInt4 && effective.int4) {
        effective.int4 = false;
        effective.noInt4Reason = "INT4 DequantizeLinear needs opset 21, and this model's own graph stays at opset " + std::to_string(ceiling) +
                                 " (its ops were exported for it; our ONNX library converts up to 17)";
    }
    for (const auto& t : tensors) {
        OnnxTensorPlan tp = planOnnxTensor(t.name, t.shape, t.layer, t.scheme, t.axis, effective, precision);
        p.opset = std::max(p.opset, tp.minOpset);
        p.engineWeightBytes += tp.engineBytes;
        if (!tp.reason.empty()) p.findings.push_back(tp.name + " (" + tp.scheme.toString() + "): " + tp.reason);
        p.tensors.push_back(std::move(tp));
    }
    // ... and its files are written at that opset.
    p.opset = std::max(p.opset, model.onnxMaxOpset());
    return p;
}

}  // namespace pareto
