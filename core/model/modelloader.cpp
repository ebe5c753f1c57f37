// SPDX-License-Identifier: Apache-2.0
#include "model/modelloader.h"

#include "model/modelregistry.h"
#include "model/onnxmodel.h"

#include <ATen/ATen.h>

#include <cctype>

namespace pareto {

Result<LoadedModel> loadModel(const std::string& path, const CheckpointLoadOptions& options, const ScriptedModelOptions& scripted) {
    // ONNX is data (a graph and its tensors): no trust needed, nothing of it runs but the graph.
    if (OnnxModel::isOnnxPath(path)) {
        LoadedModel out;
        out.path = path;
        out.format = CheckpointFormat::Onnx;
        auto model = OnnxModel::open(path, scripted, &out.notes);
        if (!model) return model.error();
        for (const auto& t : (*model)->tensors()) out.tensors.push_back({t.name, t.tensor.sizes().vec(), "float32"});
        out.onnx = (*model)->summary();
        out.model = std::move(*model);
        return out;
    }
    auto ckpt = loadCheckpoint(path, options);
    if (!ckpt) return ckpt.error();

    LoadedModel out;
    out.path = path;
    out.format = ckpt->format;
    out.nestedKey = ckpt->nestedKey;
    for (const auto& e : ckpt->weights.entries()) {
        std::string dtype = c10::toString(e.tensor.scalar_type());
        for (auto& ch : dtype) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (dtype == "float") dtype = "float32";
        else if (dtype == "half") dtype = "float16";
        else if (dtype == "double") dtype = "float64";
        out.tensors.push_back({e.name, e.tensor.sizes().vec(), dtype});
    }
    if (!ckpt->nestedKey.empty()) out.notes.push_back("weights nested under '" + ckpt->nestedKey + "'");

    if (ckpt->format == CheckpointFormat::TorchScript) {
        std::string how;
        auto model = ScriptedModel::create(ckpt->script, scripted, &how);
        if (!model) return fail(path + ": " + model.error().message);
        if (!how.empty()) out.notes.push_back(how);
        out.model = std::move(*model);
        return out;
    }
    auto model = modelFromWeights(ckpt->weights);
    if (!model) return fail(path + ": " + model.error().message);
    out.model = std::move(*model);
    return out;
}

}  // namespace pareto
