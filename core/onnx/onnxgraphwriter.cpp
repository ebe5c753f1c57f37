// SPDX-License-Identifier: Apache-2.0
#include "onnx/onnxgraphwriter.h"

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>
#include <set>

namespace pareto {
namespace {

void setShape(onnx::ValueInfoProto& v, const std::vector<int64_t>& dims, int64_t batch) {
    v.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = v.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (batch > 0) shape->add_dim()->set_dim_value(batch);
    else shape->add_dim()->set_dim_param("N");
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

// The sink a model describes its graph to: ops become nodes, weights go through the per-tensor
// storage (writeOnnxTensor); the first error is kept and everything after it is ignored.
class ProtoSink final : public OnnxGraphSink {
public:
    ProtoSink(onnx::GraphProto& g, const OnnxPlan& plan, const QuantizedModel& q) : m_g(g), m_plan(plan), m_q(q) {}

    std::string input(const std::string& name, const std::vector<int64_t>& dims, int64_t batch) override {
        m_names.insert(name);
        setShape(*m_g.add_input(), dims, batch);
        m_g.mutable_input(m_g.input_size() - 1)->set_name(name);
        m_inputShape = dims;
        m_batch = batch;
        return name;
    }
    void output(const std::string& value, const std::string& name, const std::vector<int64_t>& dims, int64_t batch) override {
        onnx::NodeProto* n = m_g.add_node();
        n->set_op_type("Identity");
        n->set_name(name);
        n->add_input(value);
        n->add_output(name);
        setShape(*m_g.add_output(), dims, batch);
        m_g.mutable_output(m_g.output_size() - 1)->set_name(name);
        m_outputShape = dims;
    }
    std::string weight(const std::string& name) override {
        if (m_written.count(name)) return name;
        const OnnxTensorPlan* p = m_plan.find(name);
        if (!p) return setError("the graph uses '" + name + "', which is not a tensor of the model"), name;
        auto v = writeOnnxTensor(m_g, *p, m_q.find(name), m_q.dequantized.get(name));
        if (!v) return setError(v.error().message), name;
        m_written.insert(name);
        m_names.insert(name);
        m_tensors.push_back(name);
        return *v;
    }
    std::string linear(const std::string& x, const std::string& w, const std::string& b) override {
        const OnnxTensorPlan* p = m_plan.find(w);
        const std::string wv = weight(w), bv = weight(b);
        if (p && p->transposed) return node("Add", {node("MatMul", {x, wv}, {}, w + ".matmul"), bv}, {}, w + ".linear");
        return node("Gemm", {x, wv, bv}, {OnnxAttribute::integer("transB", 1)}, w + ".gemm");
    }
    std::string graph(const std::string& modelProto, const std::string& input, const std::vector<std::pair<std::string, std::string>>& tensors,
                      const std::string& prefix) override {
        onnx::ModelProto m;
        if (!m.ParseFromString(modelProto) || !m.has_graph() || m.graph().output_size() < 1)
            return setError("a graph to copy in is not an ONNX model with an output"), std::string();
        for (const auto& o : m.opset_import())
            if (o.domain().empty() || o.domain() == "ai.onnx") m_opset = std::max(m_opset, static_cast<int>(o.version()));
        m_irVersion = std::max(m_irVersion, static_cast<int64_t>(m.ir_version()));
        const onnx::GraphProto& g = m.graph();
        const std::map<std::string, std::string> modelName(tensors.begin(), tensors.end());
        std::set<std::string> initializers;
        for (const auto& t : g.initializer()) initializers.insert(t.name());
        std::map<std::string, std::string> rename{{"", ""}};  // "" is an omitted optional input
        for (const auto& in : g.input())
            if (!initializers.count(in.name())) {
                rename[in.name()] = input;
                break;
            }
        const auto nameOf = [&](const std::string& v) {
            if (auto it = rename.find(v); it != rename.end()) return it->second;
            return rename[v] = unique(prefix + v);
        };
        // Model tensors go through the plan's storage; everything else is copied as it is.
        for (const auto& t : g.initializer()) {
            if (auto w = modelName.find(t.name()); w != modelName.end()) {
                rename[t.name()] = weight(w->second);
                continue;
            }
            onnx::TensorProto* c = m_g.add_initializer();
            *c = t;
            c->set_name(nameOf(t.name()));
        }
        for (const auto& n : g.node()) {
            if (n.op_type() == "Constant" && n.output_size() == 1)
                if (auto w = modelName.find(n.output(0)); w != modelName.end()) {
                    rename[n.output(0)] = weight(w->second);
                    continue;
                }
            onnx::NodeProto* c = m_g.add_node();
            *c = n;
            for (int i = 0; i < n.input_size(); ++i) c->set_input(i, nameOf(n.input(i)));
            for (int i = 0; i < n.output_size(); ++i) c->set_output(i, nameOf(n.output(i)));
            c->set_name(unique(prefix + (n.name().empty() ? n.op_type() : n.name())));
        }
        return nameOf(g.output(0).name());
    }
    std::string constantInt64(const std::string& name, const std::vector<int64_t>& values) override {
        const std::string n = unique(name);
        onnx::TensorProto* t = m_g.add_initializer();
        t->set_name(n);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(static_cast<int64_t>(values.size()));
        for (int64_t v : values) t->add_int64_data(v);
        return n;
    }
    std::string constantFloat(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) override {
        const std::string n = unique(name);
        onnx::TensorProto* t = m_g.add_initializer();
        t->set_name(n);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : dims) t->add_dims(d);
        for (float v : values) t->add_float_data(v);
        return n;
    }
    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<OnnxAttribute>& attributes,
                     const std::string& hint) override {
        const std::string out = unique(hint.empty() ? op : hint);
        onnx::NodeProto* n = m_g.add_node();
        n->set_op_type(op);
        n->set_name(out);
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(out);
        for (const auto& a : attributes) {
            onnx::AttributeProto* p = n->add_attribute();
            p->set_name(a.name);
            switch (a.kind) {
            case OnnxAttribute::Kind::Int:
                p->set_type(onnx::AttributeProto::INT);
                p->set_i(a.i);
                break;
            case OnnxAttribute::Kind::Ints:
                p->set_type(onnx::AttributeProto::INTS);
                for (int64_t v : a.ints) p->add_ints(v);
                break;
            case OnnxAttribute::Kind::Float:
                p->set_type(onnx::AttributeProto::FLOAT);
                p->set_f(a.f);
                break;
            case OnnxAttribute::Kind::String:
                p->set_type(onnx::AttributeProto::STRING);
                p->set_s(a.s);
                break;
            }
        }
        return out;
    }

    const std::string& error() const { return m_error; }
    const std::vector<std::string>& tensors() const { return m_tensors; }
    const std::vector<int64_t>& inputShape() const { return m_inputShape; }
    const std::vector<int64_t>& outputShape() const { return m_outputShape; }
    int64_t batch() const { return m_batch; }
    int opset() const { return m_opset; }
    int64_t irVersion() const { return m_irVersion; }

private:
    void setError(const std::string& e) {
        if (m_error.empty()) m_error = e;
    }
    std::string unique(const std::string& base) {
        std::string n = base;
        for (int i = 2; m_names.count(n); ++i) n = base + "_" + std::to_string(i);
        m_names.insert(n);
        return n;
    }

    onnx::GraphProto& m_g;
    const OnnxPlan& m_plan;
    const QuantizedModel& m_q;
    std::set<std::string> m_names, m_written;
    std::vector<std::string> m_tensors;
    std::vector<int64_t> m_inputShape, m_outputShape;
    std::string m_error;
    int64_t m_batch = 0;
    int m_opset = 0;           // the highest opset of a graph copied in
    int64_t m_irVersion = 0;   // and its IR version
};

}  // namespace

Result<OnnxFiles> writeOnnxFiles(const Model& model, const OnnxPlan& plan, const QuantizedModel& quantized, const std::string& producerVersion) {
    if (!plan.available) return fail(model.describe() + ": no ONNX files: " + plan.reason);
    OnnxFiles out;
    for (const OnnxGraphPart part : plan.parts) {
        onnx::ModelProto m;
        onnx::GraphProto* g = m.mutable_graph();
        g->set_name(std::string(onnxGraphPartName(part)));
        ProtoSink sink(*g, plan, quantized);
        if (Status st = model.buildOnnxGraph(part, sink); !st) return st.error();
        const std::string file = onnxGraphPartFile(part);
        if (!sink.error().empty()) return fail(file + ": " + sink.error());
        OnnxFile f;
        f.part = part;
        f.file = file;
        f.tensors = sink.tensors();
        bool int8 = false;
        for (const auto& name : f.tensors) {
            const OnnxTensorPlan* t = plan.find(name);
            f.opset = std::max(f.opset, t->minOpset);
            int8 = int8 || t->storage == OnnxStorage::Int8Dq;
        }
        // A user's graph keeps its own opset (and IR version) where it is higher than our storage needs.
        f.opset = std::max(f.opset, sink.opset());
        f.irVersion = std::max(onnxIrVersion(f.opset), sink.irVersion());
        f.batch = sink.batch();
        f.tensorRt = onnxTensorRtVersions(f.opset, int8);
        f.input = g->input(0).name();
        f.output = g->output(0).name();
        f.inputShape = sink.inputShape();
        f.outputShape = sink.outputShape();
        m.set_ir_version(f.irVersion);
        m.set_producer_name("pareto");
        m.set_producer_version(producerVersion);
        m.set_doc_string(model.describe() + ", " + onnxGraphPartName(part) + "; weights stored for " + plan.target.name);
        onnx::OperatorSetIdProto* op = m.add_opset_import();
        op->set_domain("");
        op->set_version(f.opset);
        if (!m.SerializeToString(&f.bytes)) return fail(file + ": the ONNX model could not be serialized (over 2 GiB?)");
        out.files.push_back(std::move(f));
    }
    for (const auto& t : plan.tensors) {
        const at::Tensor* d = quantized.dequantized.find(t.name);
        if (!d) return fail(t.name + ": not in the quantized model");
        out.values.set(t.name, onnxTensorValues(t, *d));
    }
    return out;
}

}  // namespace pareto
