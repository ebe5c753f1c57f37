// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a model describes its ONNX graph without knowing ONNX: it names ops and asks for its
// weights; the sink (core/onnx) decides how each weight is stored (Q/DQ, FP16 + Cast, FP32).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

/// The ONNX files a model can have: the whole model x -> x_hat, or its two halves.
enum class OnnxGraphPart {
    Model,    ///< model.onnx: x -> x_hat (decode(mu) for a VAE)
    Encoder,  ///< encoder.onnx: x -> mu
    Decoder,  ///< decoder.onnx: z -> x_hat
};

/// @brief What the device computes between encoder.onnx's output and decoder.onnx's input.
/// Plain value.
struct OnnxLatentStep {
    enum class Kind {
        None,         ///< the decoder takes the encoder's output as is (TinyVAE's mu)
        NearestCode,  ///< each position's L-vector [N, L, h, w] replaced by its nearest code (a VQ-VAE)
    };
    Kind kind = Kind::None;
    std::string codebookTensor;  ///< NearestCode: the model tensor [K, L] holding the codes
};

/// "model" / "encoder" / "decoder"
const char* onnxGraphPartName(OnnxGraphPart p);
/// "model.onnx" / "encoder.onnx" / "decoder.onnx"
const char* onnxGraphPartFile(OnnxGraphPart p);

/// @brief One node attribute (the few kinds our graphs use). Plain value.
struct OnnxAttribute {
    enum class Kind { Int, Ints, Float, String };
    std::string name;
    Kind kind = Kind::Int;
    int64_t i = 0;
    std::vector<int64_t> ints;
    float f = 0.0f;
    std::string s;

    static OnnxAttribute integer(std::string n, int64_t v) { return {std::move(n), Kind::Int, v, {}, 0.0f, {}}; }
    static OnnxAttribute integers(std::string n, std::vector<int64_t> v) { return {std::move(n), Kind::Ints, 0, std::move(v), 0.0f, {}}; }
    static OnnxAttribute real(std::string n, float v) { return {std::move(n), Kind::Float, 0, {}, v, {}}; }
    static OnnxAttribute text(std::string n, std::string v) { return {std::move(n), Kind::String, 0, {}, 0.0f, std::move(v)}; }
};

/// @brief Receives a model's graph, op by op. Values are named by strings; all float32.
///
/// Model::buildOnnxGraph() calls it on one thread; it is not kept.
class OnnxGraphSink {
public:
    virtual ~OnnxGraphSink() = default;
    /// A float32 graph input [batch, dims...]; `batch` 0 is dynamic ("N"), > 0 a graph made for
    /// exactly that batch (a user's graph exported without a dynamic batch). Returns its value name.
    virtual std::string input(const std::string& name, const std::vector<int64_t>& dims, int64_t batch = 0) = 0;
    /// Marks `value` as the graph output `name` [batch, dims...].
    virtual void output(const std::string& value, const std::string& name, const std::vector<int64_t>& dims, int64_t batch = 0) = 0;
    /// The model tensor `name` (as Model::tensors() names it) as a float32 value, stored as
    /// the sink decides.
    virtual std::string weight(const std::string& name) = 0;
    /// y = x W^T + b for a Linear layer whose weight `weightName` is [out, in] and bias
    /// `biasName` [out]; the sink picks Gemm or MatMul + Add to suit how W is stored.
    virtual std::string linear(const std::string& x, const std::string& weightName, const std::string& biasName) = 0;
    /// Constant initializers (shapes, unit scales).
    virtual std::string constantInt64(const std::string& name, const std::vector<int64_t>& values) = 0;
    virtual std::string constantFloat(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) = 0;
    /// A whole ONNX graph a model already is (a user's file: a serialized ModelProto of opset
    /// `opset` or lower, one input), copied in node for node: its input becomes `input`, every
    /// other value and node name gets `prefix`, and each initializer or float Constant named in
    /// `tensors` (graph name -> model tensor name) is replaced by weight(model tensor name).
    /// Returns the value name of the graph's first output; errors are kept by the sink.
    virtual std::string graph(const std::string& modelProto, const std::string& input,
                              const std::vector<std::pair<std::string, std::string>>& tensors, const std::string& prefix) = 0;
    /// One node with one output; returns the output's name (`hint` makes it readable). An
    /// empty input name is an omitted optional input.
    virtual std::string node(const std::string& op, const std::vector<std::string>& inputs,
                             const std::vector<OnnxAttribute>& attributes = {}, const std::string& hint = {}) = 0;
};

}  // namespace pareto
