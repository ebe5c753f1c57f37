// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writes a model's ONNX files (model / encoder / decoder) with Debian's ONNX library: the
// model describes its graph (Model::buildOnnxGraph), the tensors are stored per OnnxPlan.

#include "common/result.h"
#include "common/statedict.h"
#include "model/model.h"
#include "onnx/onnxplan.h"
#include "quant/quantizedmodel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One written ONNX file, in memory. Value type.
struct OnnxFile {
    OnnxGraphPart part = OnnxGraphPart::Model;
    std::string file;                      ///< "model.onnx"
    int opset = kOnnxOpsetQdq;
    int64_t irVersion = 7;
    std::vector<std::string> tensorRt;     ///< TensorRT versions that build it (onnxTensorRtVersions)
    std::vector<std::string> tensors;      ///< model tensors it holds, in graph order
    std::string input, output;             ///< graph input / output names
    std::vector<int64_t> inputShape, outputShape;  ///< per image
    int64_t batch = 0;                     ///< 0: a dynamic batch; > 0 the batch the graph was made for
    std::string bytes;                     ///< the serialized ModelProto
};

/// @brief Everything writeOnnxFiles() produced. Value type.
struct OnnxFiles {
    std::vector<OnnxFile> files;  ///< plan.parts order
    /// The float32 weights the files compute with once their DQ/Cast nodes are applied (the
    /// model's names and layouts): what an in-memory reference must run with.
    StateDict values;
};

/// Builds every part of `plan` from `model`'s graph and `quantized`'s stored tensors.
/// Errors name the part and tensor.
Result<OnnxFiles> writeOnnxFiles(const Model& model, const OnnxPlan& plan, const QuantizedModel& quantized,
                                 const std::string& producerVersion);

}  // namespace pareto
