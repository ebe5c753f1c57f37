// SPDX-License-Identifier: Apache-2.0
#include "onnx/onnxinspector.h"

#include "onnx/onnxplan.h"

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <map>
#include <set>

namespace pareto {
namespace {

constexpr int kInt4 = 22;

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::vector<int64_t> dimsOf(const onnx::TensorProto& t) { return {t.dims().begin(), t.dims().end()}; }

int64_t numelOf(const std::vector<int64_t>& d) {
    int64_t n = 1;
    for (int64_t x : d) n *= x;
    return n;
}

// An initializer as a tensor (float, float16 -> float, int8, int64, int4 -> int8), or undefined
// for a type we never write.
at::Tensor toTensor(const onnx::TensorProto& t) {
    const std::vector<int64_t> dims = dimsOf(t);
    const int64_t n = numelOf(dims);
    const std::string& raw = t.raw_data();
    const auto fromRaw = [&](at::ScalarType type, int64_t bytesPer) -> at::Tensor {
        if (static_cast<int64_t>(raw.size()) != n * bytesPer) return {};
        at::Tensor x = at::empty(dims, type);
        std::memcpy(x.data_ptr(), raw.data(), raw.size());
        return x;
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
        if (!raw.empty() || n == 0) return fromRaw(at::kFloat, 4);
        if (t.float_data_size() != n) return {};
        return at::tensor(std::vector<float>(t.float_data().begin(), t.float_data().end()), at::kFloat).reshape(dims).clone();
    case onnx::TensorProto::FLOAT16: {
        at::Tensor h = fromRaw(at::kHalf, 2);
        return h.defined() ? h.to(at::kFloat) : h;
    }
    case onnx::TensorProto::INT8: return fromRaw(at::kChar, 1);
    case onnx::TensorProto::INT64:
        if (!raw.empty()) return fromRaw(at::kLong, 8);
        if (t.int64_data_size() != n) return {};
        return at::tensor(std::vector<int64_t>(t.int64_data().begin(), t.int64_data().end()), at::kLong).reshape(dims).clone();
    case kInt4: {
        if (static_cast<int64_t>(raw.size()) != (n + 1) / 2) return {};
        at::Tensor x = at::empty({n}, at::kChar);
        int8_t* c = x.data_ptr<int8_t>();
        for (int64_t i = 0; i < n; ++i) {
            const int v = (static_cast<uint8_t>(raw[static_cast<size_t>(i / 2)]) >> (i % 2 ? 4 : 0)) & 0x0F;
            c[i] = static_cast<int8_t>(v >= 8 ? v - 16 : v);
        }
        return x.reshape(dims);
    }
    default: return {};
    }
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& n, const std::string& name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

// (x - zero_point) * scale with ONNX's per-tensor / per-axis / blocked broadcasting, in float.
Result<at::Tensor> dequantizeLinear(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& zp, int64_t axis, int64_t block) {
    at::Tensor xf = x.to(at::kFloat);
    if (zp.defined()) {
        if (zp.sizes() != scale.sizes()) return fail("zero_point and scale differ in shape");
    }
    const int64_t rank = x.dim();
    if (axis < 0) axis += rank;
    at::Tensor s = scale, z = zp.defined() ? zp.to(at::kFloat) : at::Tensor();
    if (scale.dim() == 0 || scale.numel() == 1) {
        s = scale.reshape({});
        if (z.defined()) z = z.reshape({});
    } else if (block > 0) {
        if (scale.dim() != rank) return fail("blocked scale rank differs from the input's");
        s = scale.repeat_interleave(block, axis).narrow(axis, 0, x.size(axis));
        if (z.defined()) z = z.repeat_interleave(block, axis).narrow(axis, 0, x.size(axis));
        if (s.sizes() != x.sizes()) return fail("blocked scale shape does not fit the input");
    } else {
        if (scale.dim() != 1 || axis < 0 || axis >= rank || scale.size(0) != x.size(axis)) return fail("per-axis scale does not fit the input's axis");
        std::vector<int64_t> view(static_cast<size_t>(rank), 1);
        view[static_cast<size_t>(axis)] = scale.size(0);
        s = scale.reshape(view);
        if (z.defined()) z = z.reshape(view);
    }
    if (z.defined()) xf = xf - z;
    return (xf * s).contiguous();
}

}  // namespace

Result<OnnxInspection> inspectOnnx(const std::string& label, const std::string& bytes, const std::vector<OnnxTensorExpectation>& expected) {
    onnx::ModelProto m;
    if (!m.ParseFromString(bytes)) return fail(label + ": not an ONNX model (protobuf does not parse)");
    OnnxInspection r;
    const auto problem = [&](const std::string& s) { r.problems.push_back(label + ": " + s); };
    r.irVersion = m.ir_version();
    for (const auto& o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") r.opset = static_cast<int>(o.version());
    const onnx::GraphProto& g = m.graph();
    if (g.input_size() != 1 || g.output_size() != 1) return fail(label + ": expected one graph input and one output");
    r.input = g.input(0).name();
    r.output = g.output(0).name();

    std::map<std::string, const onnx::TensorProto*> inits;
    for (const auto& t : g.initializer()) {
        if (inits.count(t.name())) problem("initializer '" + t.name() + "' appears twice");
        inits[t.name()] = &t;
    }
    std::map<std::string, const onnx::NodeProto*> producer;
    std::map<std::string, std::vector<const onnx::NodeProto*>> consumers;
    for (const auto& n : g.node()) {
        for (const auto& o : n.output()) producer[o] = &n;
        for (const auto& i : n.input()) consumers[i].push_back(&n);
    }

    // 1. Structure of every tensor the manifest describes.
    for (const OnnxTensorExpectation& e : expected) {
        const OnnxTensorPlan& p = e.plan;
        const std::string& name = p.name;
        const auto prod = producer.find(name);
        if (p.storage == OnnxStorage::Float32) {
            if (!inits.count(name) || inits[name]->data_type() != onnx::TensorProto::FLOAT) problem(name + ": the manifest says FP32, but there is no float initializer of that name");
            continue;
        }
        if (p.storage == OnnxStorage::Float16Cast) {
            const bool ok = inits.count(name + ".fp16") && inits[name + ".fp16"]->data_type() == onnx::TensorProto::FLOAT16 && prod != producer.end() &&
                            prod->second->op_type() == "Cast" && prod->second->input_size() == 1 && prod->second->input(0) == name + ".fp16";
            if (!ok) problem(name + ": the manifest says FP16 + Cast, but it is not a float16 initializer feeding a Cast");
            continue;
        }
        const bool int4 = p.storage == OnnxStorage::Int4Dq;
        const std::string what = name + " (" + onnxStorageName(p.storage) + ")";
        const auto qi = inits.find(name + ".quantized");
        if (qi == inits.end() || qi->second->data_type() != (int4 ? kInt4 : onnx::TensorProto::INT8)) {
            problem(what + ": no " + (int4 ? "INT4" : "INT8") + " initializer '" + name + ".quantized'");
            continue;
        }
        if (dimsOf(*qi->second) != p.storedShape()) problem(what + ": its integer initializer has another shape than the manifest's");
        if (prod == producer.end() || prod->second->op_type() != "DequantizeLinear" || prod->second->input_size() < 2 ||
            prod->second->input(0) != name + ".quantized") {
            problem(what + ": its integer initializer does not feed a DequantizeLinear producing '" + name + "'");
            continue;
        }
        for (const auto* c : consumers[name + ".quantized"])
            if (c != prod->second) problem(what + ": its integer initializer also feeds a " + c->op_type() + " node");
        const onnx::NodeProto& dq = *prod->second;
        const onnx::AttributeProto* axisAttr = attribute(dq, "axis");
        const onnx::AttributeProto* blockAttr = attribute(dq, "block_size");
        const int64_t axis = axisAttr ? axisAttr->i() : 1;
        const int64_t block = blockAttr ? blockAttr->i() : 0;
        if (p.dqAxis >= 0 && axis != p.dqAxis) problem(what + ": DequantizeLinear axis " + std::to_string(axis) + ", the manifest says " + std::to_string(p.dqAxis));
        if (block != p.blockSize) problem(what + ": DequantizeLinear block_size " + std::to_string(block) + ", the manifest says " + std::to_string(p.blockSize));
        const auto si = inits.find(dq.input(1));
        const at::Tensor scale = si == inits.end() || si->second->data_type() != onnx::TensorProto::FLOAT ? at::Tensor() : toTensor(*si->second);
        if (!scale.defined()) {
            problem(what + ": its DequantizeLinear scale is not a float initializer");
            continue;
        }
        if (dq.input_size() > 2 && !dq.input(2).empty()) {
            const auto zi = inits.find(dq.input(2));
            const at::Tensor zp = zi == inits.end() ? at::Tensor() : toTensor(*zi->second);
            if (!zp.defined() || zp.numel() != scale.numel() || (zp.numel() > 0 && zp.ne(0).any().item<bool>()))
                problem(what + ": its zero-point is not an all-zero initializer of the scale's shape (TensorRT needs symmetric codes)");
        }
        // The scales are the packed weights' scales, bit for bit.
        if (!e.packed) {
            problem(what + ": the package has no packed form of it to compare the scales with");
        } else {
            const std::vector<float> want = onnxScales(p, *e.packed);
            const at::Tensor got = scale.contiguous();
            if (got.numel() != static_cast<int64_t>(want.size())) {
                problem(what + ": " + std::to_string(got.numel()) + " DequantizeLinear scales, the packed weights have " + std::to_string(want.size()));
            } else {
                const float* g2 = got.data_ptr<float>();
                for (size_t i = 0; i < want.size(); ++i)
                    if (std::memcmp(&g2[i], &want[i], sizeof(float)) != 0) {
                        problem(what + ": DequantizeLinear scale [" + std::to_string(i) + "] is " + num(g2[i]) + ", the packed weights' scale is " +
                                num(want[i]));
                        break;
                    }
            }
        }
        const at::Tensor codes = toTensor(*qi->second);
        const int qmax = int4 ? 7 : 127;
        if (!codes.defined()) problem(what + ": its integer initializer's bytes do not match its shape");
        else if (codes.numel() > 0 && codes.to(at::kInt).abs().max().item<int>() > qmax)
            problem(what + ": codes outside [-" + std::to_string(qmax) + ", " + std::to_string(qmax) + "] (TensorRT's symmetric range)");
        // No float copy of the weight left beside its integer form.
        const at::Tensor values = e.dequantized.defined() ? e.dequantized.to(at::kFloat).contiguous() : at::Tensor();
        for (const auto& [iname, t] : inits) {
            if (t->data_type() != onnx::TensorProto::FLOAT && t->data_type() != onnx::TensorProto::FLOAT16) continue;
            if (iname == dq.input(1)) continue;
            if (iname == name || iname == name + ".fp16") {
                problem(what + ": a float initializer '" + iname + "' holds it beside its integer form");
                continue;
            }
            if (values.defined() && numelOf(dimsOf(*t)) == values.numel() && values.numel() > 1) {
                const at::Tensor v = toTensor(*t);
                if (v.defined() && (v.reshape({-1}).equal(values.reshape({-1})) || (p.transposed && values.dim() == 2 && v.reshape({-1}).equal(values.t().contiguous().reshape({-1})))))
                    problem(what + ": float initializer '" + iname + "' is a copy of it");
            }
        }
        ++r.qdqTensors;
    }

    // 2. Fold weight DQ, Cast and constant Reshape into FP32 initializers, in graph order.
    std::map<std::string, at::Tensor> constants;
    for (const auto& [name, t] : inits) {
        at::Tensor v = toTensor(*t);
        if (v.defined()) constants[name] = v;
    }
    onnx::ModelProto folded = m;
    onnx::GraphProto* fg = folded.mutable_graph();
    fg->clear_node();
    std::set<std::string> foldedNames;
    for (const auto& n : g.node()) {
        bool allConst = n.input_size() > 0;
        for (const auto& i : n.input())
            if (!i.empty() && !constants.count(i)) allConst = false;
        const std::string& op = n.op_type();
        if (allConst && (op == "DequantizeLinear" || op == "Cast" || op == "Reshape")) {
            at::Tensor v;
            if (op == "DequantizeLinear") {
                const onnx::AttributeProto* a = attribute(n, "axis");
                const onnx::AttributeProto* b = attribute(n, "block_size");
                auto d = dequantizeLinear(constants[n.input(0)], constants[n.input(1)],
                                          n.input_size() > 2 && !n.input(2).empty() ? constants[n.input(2)] : at::Tensor(), a ? a->i() : 1, b ? b->i() : 0);
                if (!d) {
                    problem(n.output(0) + ": DequantizeLinear cannot be applied: " + d.error().message);
                    *fg->add_node() = n;
                    continue;
                }
                v = *d;
            } else if (op == "Cast") {
                v = constants[n.input(0)].to(at::kFloat);
            } else {
                const at::Tensor shape = constants[n.input(1)];
                const at::Tensor data = constants[n.input(0)];
                std::vector<int64_t> dims(shape.data_ptr<int64_t>(), shape.data_ptr<int64_t>() + shape.numel());
                for (size_t d = 0; d < dims.size(); ++d)
                    if (dims[d] == 0 && static_cast<int64_t>(d) < data.dim()) dims[d] = data.size(static_cast<int64_t>(d));
                v = data.reshape(dims).contiguous();
            }
            constants[n.output(0)] = v;
            foldedNames.insert(n.output(0));
            continue;
        }
        *fg->add_node() = n;
    }
    // Keep the initializers the remaining nodes read, and add the folded ones they read.
    std::set<std::string> used;
    for (const auto& n : fg->node())
        for (const auto& i : n.input()) used.insert(i);
    fg->clear_initializer();
    for (const auto& t : g.initializer())
        if (used.count(t.name()) && !foldedNames.count(t.name())) *fg->add_initializer() = t;
    for (const auto& name : foldedNames) {
        if (!used.count(name)) continue;
        const at::Tensor v = constants[name].to(at::kFloat).contiguous();
        onnx::TensorProto* t = fg->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : v.sizes()) t->add_dims(d);
        t->set_raw_data(std::string(static_cast<const char*>(v.data_ptr()), v.nbytes()));
    }
    // Without its INT4 DQ nodes an opset 21 file is an opset 13 graph (OpenCV's); a user's graph
    // (opsets 13-17) keeps its own opset, which its other ops were exported for.
    const int foldedOpset = r.opset >= kOnnxOpsetInt4 || r.opset < kOnnxOpsetQdq ? kOnnxOpsetQdq : r.opset;
    folded.clear_opset_import();
    onnx::OperatorSetIdProto* op = folded.add_opset_import();
    op->set_domain("");
    op->set_version(foldedOpset);
    folded.set_ir_version(onnxIrVersion(foldedOpset));
    if (!folded.SerializeToString(&r.folded)) return fail(label + ": the folded graph could not be serialized");

    // 3. The folded weights: what the graph computes with, in the model's layout.
    for (const OnnxTensorExpectation& e : expected) {
        const auto c = constants.find(e.plan.name);
        if (c == constants.end()) {
            problem(e.plan.name + ": its float value cannot be computed from initializers alone");
            continue;
        }
        at::Tensor v = c->second.to(at::kFloat);
        if (e.plan.transposed && v.dim() == 2) v = v.t();
        r.weights.set(e.plan.name, v.contiguous());
    }
    return r;
}

Result<std::string> replaceOnnxInitializers(const std::string& label, const std::string& graph, const StateDict& values,
                                            std::vector<std::string>* replaced) {
    onnx::ModelProto m;
    if (!m.ParseFromString(graph)) return fail(label + ": not an ONNX model (protobuf does not parse)");
    for (auto& t : *m.mutable_graph()->mutable_initializer()) {
        const at::Tensor* v = values.find(t.name());
        if (!v || t.data_type() != onnx::TensorProto::FLOAT) continue;
        if (v->sizes().vec() != dimsOf(t))
            return fail(label + ": initializer '" + t.name() + "' has another shape than the tensor of that name");
        const at::Tensor x = v->to(at::kFloat).contiguous();
        t.clear_float_data();
        t.set_raw_data(std::string(static_cast<const char*>(x.data_ptr()), x.nbytes()));
        if (replaced) replaced->push_back(t.name());
    }
    std::string out;
    if (!m.SerializeToString(&out)) return fail(label + ": the graph could not be serialized");
    return out;
}

}  // namespace pareto
