// SPDX-License-Identifier: Apache-2.0
#include "onnx/onnxtensorstorage.h"

#include "quant/bitpacking.h"

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include <cstring>

namespace pareto {
namespace {

constexpr int kInt4DataType = 22;  // TensorProto.INT4 (ONNX 1.16); Debian's 1.12 enum predates it

int64_t expectedAxis(LayerKind layer) { return layer == LayerKind::ConvTranspose ? 1 : 0; }

bool takesQdq(LayerKind layer) { return layer == LayerKind::Conv || layer == LayerKind::ConvTranspose || layer == LayerKind::Linear; }

std::string layerWord(LayerKind layer) {
    switch (layer) {
    case LayerKind::Conv: return "Conv";
    case LayerKind::ConvTranspose: return "ConvTranspose";
    case LayerKind::Linear: return "Gemm/MatMul";
    case LayerKind::Embedding: return "Gather";
    case LayerKind::Norm: return "normalization";
    case LayerKind::Other: break;
    }
    return "non-weight";
}

// Why an integer scheme cannot be written as Q/DQ for this target, or "" when it can.
std::string integerReason(const QuantScheme& s, LayerKind layer, int64_t rank, int64_t axis, const OnnxTarget& t) {
    const std::string trt = "TensorRT " + t.tensorRt + " (" + t.name + ")";
    if (!s.symmetric) return "asymmetric codes: TensorRT Q/DQ needs zero-point 0";
    if (rank < 2 || !takesQdq(layer)) return "TensorRT takes Q/DQ weights of Conv/ConvTranspose/Gemm/MatMul layers only, not of a " + layerWord(layer) + " tensor";
    // A Linear weight's output channels are axis 0 as Gemm(transB = 1) takes it, or axis 1 of a
    // MatMul / Gemm(transB = 0) weight [in, out] in a user's own ONNX graph.
    const bool axisOk = axis == expectedAxis(layer) || (layer == LayerKind::Linear && rank == 2 && axis == 1);
    if (s.granularity != Granularity::PerTensor && !axisOk)
        return "scales along axis " + std::to_string(axis) + "; TensorRT expects axis " + std::to_string(expectedAxis(layer)) + " for " + layerWord(layer);
    if (s.bits == 8) {
        if (!t.int8) return trt + " has no INT8";
        if (s.granularity == Granularity::Group) return "group-wise INT8: TensorRT INT8 Q/DQ takes per-tensor or per-channel scales only";
        return {};
    }
    if (s.bits == 4) {
        if (layer != LayerKind::Linear) return "INT4 on " + layerWord(layer) + ": TensorRT runs INT4 only as weight-only Gemm/MatMul";
        if (!t.int4) return t.noInt4Reason.empty() ? "INT4 needs TensorRT 10 (JetPack 6, opset 21); " + trt + " has none" : t.noInt4Reason;
        if (axis != 0) return "INT4 of a weight stored [in, out]: the INT4 MatMul form is written from a Gemm weight [out, in]";
        if (s.granularity == Granularity::PerTensor) return "per-tensor INT4: TensorRT's INT4 weight-only GEMM takes per-channel or blocked scales";
        return {};
    }
    return "INT" + std::to_string(s.bits) + " is not a TensorRT type (INT8, and INT4 for Gemm/MatMul on TensorRT 10, are)";
}

void setRaw(onnx::TensorProto& t, const void* data, size_t bytes) { t.set_raw_data(std::string(static_cast<const char*>(data), bytes)); }

onnx::TensorProto& addInitializer(onnx::GraphProto& g, const std::string& name, int dataType, const std::vector<int64_t>& dims) {
    onnx::TensorProto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(dataType);
    for (int64_t d : dims) t->add_dims(d);
    return *t;
}

onnx::NodeProto& addNode(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    onnx::NodeProto* n = g.add_node();
    n->set_op_type(op);
    n->set_name(output);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(output);
    return *n;
}

void addIntAttribute(onnx::NodeProto& n, const std::string& name, int64_t v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

}  // namespace

const char* onnxStorageName(OnnxStorage s) {
    switch (s) {
    case OnnxStorage::Float32: return "fp32";
    case OnnxStorage::Float16Cast: return "fp16+cast";
    case OnnxStorage::Int8Dq: return "int8+dq";
    case OnnxStorage::Int4Dq: break;
    }
    return "int4+dq";
}

int64_t OnnxTensorPlan::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::vector<int64_t> OnnxTensorPlan::storedShape() const {
    if (transposed && shape.size() == 2) return {shape[1], shape[0]};
    return shape;
}

OnnxTensorPlan planOnnxTensor(const std::string& name, const std::vector<int64_t>& shape, LayerKind layer, const QuantScheme& scheme,
                              int64_t axis, const OnnxTarget& target, ModelPrecision precision) {
    OnnxTensorPlan p;
    p.name = name;
    p.shape = shape;
    p.layer = layer;
    p.scheme = scheme;
    p.schemeAxis = axis;
    const int64_t rank = static_cast<int64_t>(shape.size());
    const int64_t n = p.numel();
    const auto asFp16 = [&](std::string reason) {
        p.storage = OnnxStorage::Float16Cast;
        p.tensorRtPrecision = "fp16";
        p.engineBytes = 2 * n;
        p.reason = std::move(reason);
    };
    switch (scheme.kind) {
    case QuantKind::Float32:
        if (precision == ModelPrecision::Fp16) {
            asFp16({});
        } else {
            p.tensorRtPrecision = "fp32";
            p.engineBytes = 4 * n;
        }
        return p;
    case QuantKind::Float16: asFp16({}); return p;
    case QuantKind::BFloat16: asFp16("BF16 is not a type of TensorRT 8.x; written as FP16 (each BF16 value rounded to FP16)"); return p;
    case QuantKind::NF4: asFp16("NF4 is a 16-value code book, not a TensorRT type: written as its dequantized values in FP16"); return p;
    case QuantKind::Ternary: asFp16("ternary codes are not a TensorRT type: written as their dequantized values in FP16"); return p;
    case QuantKind::Integer: break;
    }
    if (std::string why = integerReason(scheme, layer, rank, axis, target); !why.empty()) {
        asFp16(why + ": written as its dequantized values in FP16");
        return p;
    }
    const bool perTensor = scheme.granularity == Granularity::PerTensor;
    if (scheme.bits == 8) {
        p.storage = OnnxStorage::Int8Dq;
        p.dqAxis = perTensor ? -1 : axis;
        p.tensorRtPrecision = "int8";
        const int64_t scales = perTensor ? 1 : shape[static_cast<size_t>(axis)];
        p.engineBytes = n + 4 * scales;
        return p;
    }
    // INT4 Linear on TensorRT 10: W^T [in, out] for MatMul; blocks run along K (axis 0).
    p.storage = OnnxStorage::Int4Dq;
    p.transposed = true;
    p.minOpset = kOnnxOpsetInt4;
    p.tensorRtPrecision = "int4";
    const int64_t out = shape[0], in = shape[1];
    if (scheme.granularity == Granularity::Group) {
        p.dqAxis = 0;
        p.blockSize = scheme.groupSize;
        p.engineBytes = (n + 1) / 2 + 4 * out * ((in + scheme.groupSize - 1) / scheme.groupSize);
    } else {
        p.dqAxis = 1;
        p.engineBytes = (n + 1) / 2 + 4 * out;
    }
    return p;
}

at::Tensor onnxTensorValues(const OnnxTensorPlan& plan, const at::Tensor& dequantized) {
    const at::Tensor x = dequantized.to(at::kFloat);
    if (plan.storage == OnnxStorage::Float16Cast) return x.to(at::kHalf).to(at::kFloat).contiguous();
    return x.contiguous().clone();
}

at::Tensor integerCodes(const QuantizedTensor& q) {
    if (q.scheme.kind != QuantKind::Integer || !q.scheme.symmetric || q.scheme.bits > 8) return {};
    const int64_t n = q.layout.numel();
    std::vector<uint8_t> raw(static_cast<size_t>(n));
    detail::unpackBitsReference(q.packed.data(), n, q.scheme.bits, raw.data());
    at::Tensor codes = at::empty({n}, at::kChar);
    int8_t* c = codes.data_ptr<int8_t>();
    for (int64_t i = 0; i < n; ++i) c[i] = static_cast<int8_t>(detail::signExtend(raw[static_cast<size_t>(i)], q.scheme.bits));
    // Codes follow the block layout: channel axis first, the rest in C order.
    if (!q.layout.permuted) return codes.reshape(q.shape);
    std::vector<int64_t> moved{q.shape[static_cast<size_t>(q.axis)]};
    for (size_t d = 0; d < q.shape.size(); ++d)
        if (static_cast<int64_t>(d) != q.axis) moved.push_back(q.shape[d]);
    return codes.reshape(moved).movedim(0, q.axis).contiguous();
}

std::vector<float> onnxScales(const OnnxTensorPlan& plan, const QuantizedTensor& q) {
    std::vector<float> s;
    if (plan.storage == OnnxStorage::Int4Dq && plan.blockSize > 0) {
        const int64_t out = q.layout.rows, bpr = q.layout.blocksPerRow();
        s.resize(static_cast<size_t>(out * bpr));
        for (int64_t r = 0; r < out; ++r)
            for (int64_t b = 0; b < bpr; ++b) s[static_cast<size_t>(b * out + r)] = q.scale(r * bpr + b);
        return s;
    }
    for (int64_t i = 0; i < q.scaleCount(); ++i) s.push_back(q.scale(i));
    return s;
}

Result<std::string> writeOnnxTensor(onnx::GraphProto& g, const OnnxTensorPlan& plan, const QuantizedTensor* q, const at::Tensor& dequantized) {
    const std::string& name = plan.name;
    if (plan.storage == OnnxStorage::Float32 || plan.storage == OnnxStorage::Float16Cast) {
        if (!dequantized.defined() || dequantized.numel() != plan.numel()) return fail(name + ": no values of " + std::to_string(plan.numel()) + " elements to write");
        const at::Tensor v = onnxTensorValues(plan, dequantized);
        if (plan.storage == OnnxStorage::Float32) {
            onnx::TensorProto& t = addInitializer(g, name, onnx::TensorProto::FLOAT, plan.shape);
            setRaw(t, v.data_ptr(), v.nbytes());
            return name;
        }
        if (!at::isfinite(v).all().item<bool>()) return fail(name + ": a value beyond the FP16 range cannot be written as FP16");
        const at::Tensor h = v.to(at::kHalf).contiguous();
        onnx::TensorProto& t = addInitializer(g, name + ".fp16", onnx::TensorProto::FLOAT16, plan.shape);
        setRaw(t, h.data_ptr(), h.nbytes());
        addIntAttribute(addNode(g, "Cast", {name + ".fp16"}, name), "to", onnx::TensorProto::FLOAT);
        return name;
    }

    if (!q) return fail(name + ": no packed form to write as Q/DQ");
    at::Tensor codes = integerCodes(*q);
    if (!codes.defined() || codes.numel() != plan.numel()) return fail(name + ": its packed codes are not symmetric integers of its shape");
    const std::vector<float> scales = onnxScales(plan, *q);
    std::vector<int64_t> scaleDims;
    if (plan.storage == OnnxStorage::Int4Dq && plan.blockSize > 0) scaleDims = {static_cast<int64_t>(scales.size()) / plan.shape[0], plan.shape[0]};
    else if (plan.dqAxis >= 0) scaleDims = {static_cast<int64_t>(scales.size())};
    onnx::TensorProto& st = addInitializer(g, name + ".scale", onnx::TensorProto::FLOAT, scaleDims);
    setRaw(st, scales.data(), scales.size() * sizeof(float));

    std::vector<std::string> inputs{name + ".quantized", name + ".scale"};
    if (plan.storage == OnnxStorage::Int8Dq) {
        onnx::TensorProto& t = addInitializer(g, name + ".quantized", onnx::TensorProto::INT8, plan.shape);
        setRaw(t, codes.data_ptr(), static_cast<size_t>(codes.numel()));
        // An explicit zero-point of 0 (int8): what TensorRT's parser documents for symmetric INT8.
        onnx::TensorProto& z = addInitializer(g, name + ".zero_point", onnx::TensorProto::INT8, scaleDims);
        setRaw(z, std::vector<int8_t>(scales.size(), 0).data(), scales.size());
        inputs.push_back(name + ".zero_point");
    } else {
        // INT4: W^T [in, out], two values per byte, the first in the low nibble.
        const at::Tensor t4 = codes.t().contiguous();
        const int8_t* c = t4.data_ptr<int8_t>();
        const int64_t n = t4.numel();
        std::string bytes(static_cast<size_t>((n + 1) / 2), '\0');
        for (int64_t i = 0; i < n; ++i) bytes[static_cast<size_t>(i / 2)] |= static_cast<char>((c[i] & 0x0F) << (i % 2 ? 4 : 0));
        onnx::TensorProto& t = addInitializer(g, name + ".quantized", kInt4DataType, plan.storedShape());
        t.set_raw_data(bytes);
    }
    onnx::NodeProto& dq = addNode(g, "DequantizeLinear", inputs, name);
    if (plan.dqAxis >= 0) addIntAttribute(dq, "axis", plan.dqAxis);
    if (plan.blockSize > 0) addIntAttribute(dq, "block_size", plan.blockSize);
    return name;
}

}  // namespace pareto
