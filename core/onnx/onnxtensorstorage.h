// SPDX-License-Identifier: Apache-2.0
#pragma once
// How one weight tensor is stored in an ONNX file for TensorRT: INT8/INT4 initializer +
// DequantizeLinear, FP16 initializer + Cast, or plain FP32. Independent of any graph: the
// TinyVAE writer uses it, and so can a writer that re-stores a user's own ONNX graph.

#include "common/result.h"
#include "model/model.h"
#include "model/modelprecision.h"
#include "quant/quantizedtensor.h"
#include "quant/quantscheme.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
}

namespace pareto {

/// @brief What the TensorRT of one board and JetPack accepts. Plain value.
struct OnnxTarget {
    std::string name;          ///< "Jetson Orin Nano 8 GB, JetPack 6 (TensorRT 10.3)"
    std::string jetpack;       ///< "6", "5.1", "4.6"
    std::string tensorRt;      ///< "10.3", "8.5", "8.2"
    int tensorRtMajor = 10;
    bool int8 = true;          ///< INT8 Q/DQ weights (TensorRT >= 8.5 on a GPU with INT8)
    bool int4 = true;          ///< INT4 weight-only Gemm/MatMul (TensorRT >= 10, opset 21)
    /// Why INT4 is off although TensorRT has it (the model's own graph cannot be written at
    /// opset 21); "" when `int4` follows TensorRT alone.
    std::string noInt4Reason;
};

/// How a tensor sits in the ONNX file.
enum class OnnxStorage {
    Float32,      ///< a float initializer, used as it is
    Float16Cast,  ///< a float16 initializer + Cast(to float)
    Int8Dq,       ///< an int8 initializer + DequantizeLinear (opset 13; per axis or per tensor)
    Int4Dq,       ///< an int4 initializer (two per byte) + DequantizeLinear (opset 21; per axis or blocked)
};

/// "fp32" / "fp16+cast" / "int8+dq" / "int4+dq"
const char* onnxStorageName(OnnxStorage s);

/// Highest opset any of our files needs (INT4 and block_size), and the one INT8 needs.
inline constexpr int kOnnxOpsetInt4 = 21;
inline constexpr int kOnnxOpsetQdq = 13;

/// @brief The storage decided for one tensor, and what TensorRT will hold it in. Plain value.
///
/// Initializer names: a Q/DQ tensor NAME is `NAME.quantized` (+ `NAME.scale`, and for INT8
/// `NAME.zero_point`) feeding DequantizeLinear, whose output is NAME; an FP16 one is
/// `NAME.fp16` feeding Cast, output NAME; an FP32 one is NAME itself. So the float value a
/// graph uses is always the tensor's own name.
struct OnnxTensorPlan {
    std::string name;
    std::vector<int64_t> shape;       ///< the model's shape of the tensor
    LayerKind layer = LayerKind::Other;
    QuantScheme scheme = QuantScheme::fp32();  ///< the scheme the package stores it in
    int64_t schemeAxis = 0;           ///< the output-channel axis of the scheme's scales
    OnnxStorage storage = OnnxStorage::Float32;
    /// INT4 Linear weights are stored as W^T [in, out] for MatMul (the layout TensorRT's INT4
    /// weight-only GEMM takes: blocks along K = axis 0).
    bool transposed = false;
    int64_t dqAxis = -1;              ///< axis of the *stored* tensor the scales run along; -1 per tensor
    int64_t blockSize = 0;            ///< > 0: blocked along dqAxis (INT4 group size)
    int minOpset = kOnnxOpsetQdq;
    std::string tensorRtPrecision;    ///< what TensorRT holds it in: "int8", "int4", "fp16", "fp32"
    int64_t engineBytes = 0;          ///< those bytes: values + FP32 scales
    /// Why it is not stored in ONNX as the package's scheme stores it (a finding); "" when it is.
    std::string reason;

    int64_t numel() const;
    /// The stored initializer's shape (transposed for MatMul).
    std::vector<int64_t> storedShape() const;
};

/// Decides the storage of one tensor (pure, cheap: the studio calls it on every change).
/// `axis` is the output-channel axis the scheme's scales run along (ModelTensor::axis).
OnnxTensorPlan planOnnxTensor(const std::string& name, const std::vector<int64_t>& shape, LayerKind layer, const QuantScheme& scheme,
                              int64_t axis, const OnnxTarget& target, ModelPrecision precision);

/// The float32 values a runtime computes with for this tensor once the DQ or Cast is applied
/// (in the model's layout): the dequantized weights exactly for Q/DQ, rounded to FP16 for a Cast.
at::Tensor onnxTensorValues(const OnnxTensorPlan& plan, const at::Tensor& dequantized);

/// The integer codes of a stored tensor in the tensor's own C order (int8 values), from its
/// packed bytes; undefined unless it is a symmetric integer scheme of <= 8 bits.
at::Tensor integerCodes(const QuantizedTensor& q);

/// Writes the tensor's initializers and its DequantizeLinear / Cast node into `graph`; returns
/// the float value's name (the tensor's name). `stored` is the packed form (required for Q/DQ);
/// `dequantized` the float32 values of the package. Errors name the tensor.
Result<std::string> writeOnnxTensor(onnx::GraphProto& graph, const OnnxTensorPlan& plan, const QuantizedTensor* stored,
                                    const at::Tensor& dequantized);

/// The scales of a Q/DQ tensor as its DequantizeLinear holds them (stored order): [rows] per
/// channel, [blocks, out] for blocked INT4, one value per tensor. The packed FP16/FP32 scales
/// as float, exactly.
std::vector<float> onnxScales(const OnnxTensorPlan& plan, const QuantizedTensor& stored);

}  // namespace pareto
