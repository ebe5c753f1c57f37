// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "io/checkpoint.h"
#include "model/model.h"
#include "model/onnxgraphsummary.h"
#include "model/scriptedmodel.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief A tensor as the file stores it.
struct StoredTensorInfo {
    std::string name;
    std::vector<int64_t> shape;
    std::string dtype;  ///< "float32", "float16", ...
};

/// @brief A model opened from a file, with where it came from.
struct LoadedModel {
    std::shared_ptr<const Model> model;
    std::string path;
    CheckpointFormat format = CheckpointFormat::TorchZip;
    std::string nestedKey;            ///< set when the weights were nested in the file
    std::vector<std::string> notes;   ///< e.g. "weights nested under 'model_state_dict'", how the input shape was chosen
    std::vector<StoredTensorInfo> tensors;  ///< as stored, before conversion to float32
    std::optional<OnnxGraphSummary> onnx;   ///< for an ONNX model: its opset(s), ops and quantizable layers
};

/// @brief Opens a checkpoint and builds the model it holds: a built-in architecture for
/// state dicts and safetensors (the registry recognises it from the tensor names), a
/// ScriptedModel for TorchScript (only with options.trustCode; `scripted` settles its input
/// shape and ranges), an OnnxModel for `.onnx` (data: no trust needed; `scripted` gives the
/// ranges and any input shape the graph leaves open). Errors are one line starting with the path.
Result<LoadedModel> loadModel(const std::string& path, const CheckpointLoadOptions& options = {},
                              const ScriptedModelOptions& scripted = {});

}  // namespace pareto
