// SPDX-License-Identifier: Apache-2.0
#include "export/onnxpackage.h"

#include <algorithm>

namespace pareto {

OnnxTarget onnxTargetFor(const DeviceProfile& p) {
    OnnxTarget t;
    t.jetpack = jetpackLine(p);
    t.tensorRt = t.jetpack == "6" ? "10.3" : t.jetpack == "5.1" ? "8.5" : "8.2";
    t.tensorRtMajor = p.tensorRtMajor;
    t.int8 = p.supports("int8");
    t.int4 = p.supports("int4-weight-only-matmul") && p.tensorRtMajor >= 10;
    t.name = p.name + ", JetPack " + t.jetpack + " (TensorRT " + t.tensorRt + ")";
    return t;
}

OnnxPlan planPackageOnnx(const Model& model, const std::vector<PlannedTensor>& planned, const DeviceProfile& profile, ModelPrecision precision) {
    std::vector<OnnxTensorChoice> choices;
    choices.reserve(planned.size());
    for (const auto& t : planned) choices.push_back({t.name, t.shape, t.layer, t.scheme, t.axis});
    return planOnnx(model, choices, onnxTargetFor(profile), precision);
}

nlohmann::ordered_json onnxTensorJson(const OnnxTensorPlan& t) {
    nlohmann::ordered_json j;
    j["name"] = t.name;
    j["shape"] = t.shape;
    j["layer"] = layerKindName(t.layer);
    j["scheme"] = t.scheme.toString();
    j["scheme_axis"] = t.schemeAxis;
    j["storage"] = onnxStorageName(t.storage);
    j["transposed"] = t.transposed;
    j["dq_axis"] = t.dqAxis;
    j["block_size"] = t.blockSize;
    j["min_opset"] = t.minOpset;
    j["tensorrt_precision"] = t.tensorRtPrecision;
    j["engine_bytes"] = t.engineBytes;
    j["reason"] = t.reason;
    return j;
}

Result<OnnxTensorPlan> onnxTensorFromJson(const nlohmann::json& j) {
    OnnxTensorPlan t;
    try {
        t.name = j.at("name").get<std::string>();
        t.shape = j.at("shape").get<std::vector<int64_t>>();
        const std::string layer = j.at("layer").get<std::string>();
        for (LayerKind k : {LayerKind::Conv, LayerKind::ConvTranspose, LayerKind::Linear, LayerKind::Embedding, LayerKind::Norm, LayerKind::Other})
            if (layer == layerKindName(k)) t.layer = k;
        auto s = QuantScheme::parse(j.at("scheme").get<std::string>());
        if (!s) return fail("manifest.json: onnx tensor " + t.name + ": " + s.error().message);
        t.scheme = *s;
        t.schemeAxis = j.at("scheme_axis").get<int64_t>();
        const std::string storage = j.at("storage").get<std::string>();
        bool known = false;
        for (OnnxStorage k : {OnnxStorage::Float32, OnnxStorage::Float16Cast, OnnxStorage::Int8Dq, OnnxStorage::Int4Dq})
            if (storage == onnxStorageName(k)) t.storage = k, known = true;
        if (!known) return fail("manifest.json: onnx tensor " + t.name + ": unknown storage '" + storage + "'");
        t.transposed = j.at("transposed").get<bool>();
        t.dqAxis = j.at("dq_axis").get<int64_t>();
        t.blockSize = j.at("block_size").get<int64_t>();
        t.minOpset = j.at("min_opset").get<int>();
        t.tensorRtPrecision = j.at("tensorrt_precision").get<std::string>();
        t.engineBytes = j.at("engine_bytes").get<int64_t>();
        t.reason = j.at("reason").get<std::string>();
    } catch (const std::exception&) {
        return fail("manifest.json: an onnx tensor record lacks name/shape/layer/scheme/storage/axes");
    }
    if (t.transposed && t.shape.size() != 2) return fail("manifest.json: onnx tensor " + t.name + ": only a matrix can be stored transposed");
    return t;
}

std::vector<std::string> groupedOnnxFindings(const OnnxPlan& plan) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& t : plan.tensors) {
        if (t.reason.empty()) continue;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == t.reason; });
        if (it == groups.end()) it = groups.insert(groups.end(), {t.reason, {}});
        it->second.push_back(t.name);
    }
    std::vector<std::string> out;
    for (const auto& [reason, names] : groups) {
        std::string line = "onnx: " + reason + " (" + std::to_string(names.size()) + (names.size() == 1 ? " tensor: " : " tensors: ");
        for (size_t i = 0; i < names.size(); ++i) line += (i ? ", " : "") + names[i];
        out.push_back(line + ")");
    }
    return out;
}

}  // namespace pareto
