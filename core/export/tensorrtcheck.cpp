// SPDX-License-Identifier: Apache-2.0
#include "export/tensorrtcheck.h"

#include <algorithm>

namespace pareto {
namespace {

using Finding = TensorRtCheck::Finding;
using Severity = Finding::Severity;

int64_t expectedAxis(LayerKind layer) { return layer == LayerKind::ConvTranspose ? 1 : 0; }

}  // namespace

const char* severityName(Severity s) {
    switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: break;
    }
    return "error";
}

std::vector<std::string> groupedFindings(const TensorRtCheck& check, bool includeInfo) {
    struct Group {
        Severity severity;
        std::string text;
        std::vector<std::string> tensors;
    };
    std::vector<Group> groups;
    for (const auto& f : check.findings) {
        if (f.severity == Severity::Info && !includeInfo) continue;
        // Messages about a tensor read "NAME (LAYER, SCHEME): what"; group on "what".
        std::string text = f.message;
        if (!f.tensor.empty() && text.compare(0, f.tensor.size(), f.tensor) == 0) {
            const auto colon = text.find("): ");
            if (colon != std::string::npos) text = text.substr(colon + 3);
        }
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.severity == f.severity && g.text == text; });
        if (it == groups.end()) it = groups.insert(groups.end(), Group{f.severity, text, {}});
        if (!f.tensor.empty()) it->tensors.push_back(f.tensor);
    }
    std::vector<std::string> out;
    for (const auto& g : groups) {
        std::string line = std::string(severityName(g.severity)) + ": " + g.text;
        if (!g.tensors.empty()) {
            line += " (" + std::to_string(g.tensors.size()) + (g.tensors.size() == 1 ? " tensor: " : " tensors: ");
            for (size_t i = 0; i < g.tensors.size(); ++i) line += (i ? ", " : "") + g.tensors[i];
            line += ")";
        }
        out.push_back(std::move(line));
    }
    return out;
}

TensorRtCheck checkTensorRt(const std::vector<PlannedTensor>& tensors, const DeviceProfile& profile, ModelPrecision precision) {
    TensorRtCheck c;
    c.profileId = profile.id;
    const auto add = [&c](Severity s, std::string rule, std::string tensor, std::string message) {
        if (s == Severity::Error) ++c.errors;
        if (s == Severity::Warning) ++c.warnings;
        c.findings.push_back({s, std::move(rule), std::move(tensor), std::move(message)});
    };
    const std::string trt = "TensorRT " + profile.tensorRt + " on " + profile.name;
    bool perChannel = false, fp16Scales = false;

    for (const PlannedTensor& t : tensors) {
        const QuantScheme& s = t.scheme;
        const std::string layer = plannedLayerName(t);
        const std::string what = t.name + " (" + layer + ", " + s.toString() + ")";
        if (s.kind == QuantKind::Float32) continue;
        if (s.kind == QuantKind::Float16) {
            if (!profile.supports("fp16")) add(Severity::Warning, "fp16", t.name, what + ": FP16 is not native on " + profile.name + "; cast to FP32 at load");
            continue;
        }
        if (s.kind == QuantKind::BFloat16) {
            add(Severity::Warning, "bf16", t.name, what + ": BF16 is not in the precisions of " + trt + "; cast to FP16/FP32 at load");
            continue;
        }
        ++c.quantizedTensors;
        if (s.scaleDtype == ScaleDtype::Fp16) fp16Scales = true;

        if (s.kind == QuantKind::NF4 || s.kind == QuantKind::Ternary) {
            add(Severity::Warning, "not-native", t.name,
                what + ": " + (s.kind == QuantKind::NF4 ? "NF4" : "ternary") +
                    " is not a TensorRT type; stored packed, dequantized at load, the layer runs in FP16/FP32");
            continue;
        }
        // Uniform integers from here on.
        bool native = true;
        if (!s.symmetric) {
            add(Severity::Error, "zero-point", t.name,
                what + ": TensorRT Q/DQ needs zero-point 0 (symmetric only); asymmetric codes are dequantized at load");
            native = false;
        }
        if (t.shape.size() >= 2 && s.granularity != Granularity::PerTensor) {
            perChannel = true;
            // A Linear weight stored [in, out] (a user's ONNX MatMul / Gemm without transB) has its
            // output channels on axis 1, where TensorRT's per-channel Q/DQ takes them.
            const bool inOutLinear = t.layer == LayerKind::Linear && t.shape.size() == 2 && t.axis == 1;
            if (t.axis != expectedAxis(t.layer) && !inOutLinear) {
                add(Severity::Error, "channel-axis", t.name,
                    what + ": scales run along axis " + std::to_string(t.axis) + ", TensorRT expects axis " +
                        std::to_string(expectedAxis(t.layer)) + " (output channels) for " + layer + " weights");
                native = false;
            }
        }
        if (s.bits == 8) {
            if (!profile.supports("int8")) {
                add(Severity::Warning, "int8-unsupported", t.name, what + ": " + trt + " has no INT8; dequantized to FP16/FP32 at load");
                native = false;
            } else if (s.granularity == Granularity::Group) {
                add(Severity::Warning, "group-int8", t.name,
                    what + ": TensorRT INT8 Q/DQ takes per-tensor or per-channel scales only; group-wise INT8 is dequantized at load");
                native = false;
            } else if (native && s.symmetric) {
                add(Severity::Info, "int8-range", t.name,
                    what + ": codes in [-127, 127], zero-point 0: maps to INT8 QuantizeLinear/DequantizeLinear");
            }
        } else if (s.bits == 4 && t.layer == LayerKind::Linear && t.axis == 0 && profile.supports("int4-weight-only-matmul")) {
            if (native) {
                add(Severity::Info, "int4-weight-only", t.name,
                    what + ": " + trt + " can run INT4 weight-only MatMul (block-quantized weights along the input dimension)");
            }
        } else {
            add(Severity::Warning, "sub-8-bit", t.name,
                what + ": " + std::to_string(s.bits) + "-bit weights are not native for " + layer + " on " + trt +
                    "; stored packed, dequantized at load, the layer runs in FP16/FP32");
            native = false;
        }
        if (native) ++c.nativeTensors;
    }
    if (perChannel)
        add(Severity::Info, "opset", "", "per-channel Q/DQ needs ONNX opset 13 or newer when building a TensorRT engine");
    if (fp16Scales)
        add(Severity::Info, "scale-dtype", "", "scales are stored as FP16; TensorRT Q/DQ scales are FP32, converted exactly at load");
    if (precision == ModelPrecision::Fp16 && !profile.supports("fp16"))
        add(Severity::Warning, "model-precision", "", "the FP16 model is not native on " + profile.name);

    c.summary = trt + ": " + std::to_string(c.errors) + " error(s), " + std::to_string(c.warnings) + " warning(s); " +
                std::to_string(c.nativeTensors) + " of " + std::to_string(c.quantizedTensors) +
                " quantized tensors map to native TensorRT weights";
    return c;
}

}  // namespace pareto
