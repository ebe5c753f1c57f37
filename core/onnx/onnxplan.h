// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which ONNX files a package gets and how each of their tensors is stored, decided without
// writing anything (cheap enough for every change in the export dialog).

#include "model/model.h"
#include "model/modelprecision.h"
#include "onnx/onnxtensorstorage.h"
#include "quant/quantscheme.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One model tensor and the scheme the package stores it in.
struct OnnxTensorChoice {
    std::string name;
    std::vector<int64_t> shape;
    LayerKind layer = LayerKind::Other;
    QuantScheme scheme = QuantScheme::fp32();
    int64_t axis = 0;  ///< output-channel axis of the scheme's scales
};

/// @brief The ONNX side of a package. Plain value; any thread.
struct OnnxPlan {
    bool available = false;      ///< the model can be written as ONNX
    std::string reason;          ///< why not, and how to get one (when !available)
    OnnxTarget target;
    ModelPrecision precision = ModelPrecision::Fp32;
    std::vector<OnnxGraphPart> parts;     ///< model first
    OnnxLatentStep step;                  ///< what the device runs between encoder and decoder
    std::vector<OnnxTensorPlan> tensors;  ///< every model tensor, in the model's order
    int opset = kOnnxOpsetQdq;            ///< the highest any file needs
    int64_t engineWeightBytes = 0;        ///< what TensorRT holds for the weights (OnnxTensorPlan::engineBytes summed)
    /// One line per tensor the ONNX stores otherwise than the package's scheme: "NAME (SCHEME):
    /// reason". Never silent: the manifest, the CLI and the export dialog show them.
    std::vector<std::string> findings;

    const OnnxTensorPlan* find(const std::string& name) const;
    /// "model.onnx", "encoder.onnx", ... in parts order.
    std::vector<std::string> fileNames() const;
    /// Whether the package ships the codebook for a nearest-code step (codebook.safetensors).
    bool needsCodebook() const { return available && step.kind == OnnxLatentStep::Kind::NearestCode; }
};

/// The plan for `model` with its tensors stored as `tensors` say.
OnnxPlan planOnnx(const Model& model, const std::vector<OnnxTensorChoice>& tensors, const OnnxTarget& target, ModelPrecision precision);

/// ONNX IR version written with an opset: 7 for opsets 13-14, 8 for 15-17 (a user's graph), 10 for opset 21.
int64_t onnxIrVersion(int opset);

/// The TensorRT versions (of the JetPacks we target) that build a file of this opset with or
/// without INT8 Q/DQ: {"8.2", "8.5", "10.3"}, {"8.5", "10.3"} or {"10.3"}.
std::vector<std::string> onnxTensorRtVersions(int opset, bool int8Qdq);

}  // namespace pareto
