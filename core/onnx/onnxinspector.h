// SPDX-License-Identifier: Apache-2.0
#pragma once
// Re-opens an ONNX file we wrote and proves its structure before anything runs it: every
// tensor the manifest calls INT8/INT4 is an integer initializer feeding DequantizeLinear with
// the packed weights' scales and no float copy; then folds the weight DQ / Cast nodes into
// FP32 initializers in memory, as TensorRT does, for a runtime without DequantizeLinear.

#include "common/result.h"
#include "common/statedict.h"
#include "onnx/onnxtensorstorage.h"
#include "quant/quantizedtensor.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace pareto {

/// @brief What one model tensor must look like in the file (from the manifest and the
/// package's weights.safetensors).
struct OnnxTensorExpectation {
    OnnxTensorPlan plan;                       ///< storage, axis, block size as the manifest records them
    const QuantizedTensor* packed = nullptr;   ///< the packed form (required for Q/DQ tensors)
    at::Tensor dequantized;                    ///< the package's float32 values of the tensor
};

/// @brief The verdict on one file. Value type.
struct OnnxInspection {
    std::vector<std::string> problems;  ///< structural failures, each starting with the file
    int opset = 0;
    int64_t irVersion = 0;
    int qdqTensors = 0;                 ///< tensors found as integer initializer + DequantizeLinear
    std::string input, output;          ///< graph input / output names
    /// The graph with every weight DequantizeLinear, Cast and constant Reshape folded into FP32
    /// initializers (opset 13): what OpenCV's DNN module can run.
    std::string folded;
    StateDict weights;                  ///< the folded model tensors, in the model's layout
    bool ok() const { return problems.empty(); }
};

/// Checks `bytes` (the file `label`) against `expected` (the tensors this file holds) and
/// folds it. An error only when the bytes are not an ONNX model at all; every structural
/// problem is listed in the inspection.
Result<OnnxInspection> inspectOnnx(const std::string& label, const std::string& bytes, const std::vector<OnnxTensorExpectation>& expected);

/// `graph` (a folded ONNX model, e.g. OnnxInspection::folded) with each float32 initializer named
/// in `values` replaced by that value (same shape): a user's own graph computing with other
/// weights. `replaced` receives the names replaced, in graph order. Errors name `label` and the
/// tensor whose shape differs.
Result<std::string> replaceOnnxInitializers(const std::string& label, const std::string& graph, const StateDict& values,
                                            std::vector<std::string>* replaced = nullptr);

}  // namespace pareto
