// SPDX-License-Identifier: Apache-2.0
#include "model/onnxmodel.h"
#include "common/shapetext.h"

#include "model/opencvonnxmodel.h"

#include <ATen/ATen.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/version_converter/convert.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace pareto {

struct OnnxModel::Graphs {
    struct Part {
        std::string path;
        std::string file;               ///< the file name, for messages
        onnx::ModelProto proto;         ///< as read; never changed
        onnx::ModelProto runnable;      ///< pruned to output 0: what OpenCV runs and a package's ONNX files copy
        int opset = 0;
        std::string input, output;      ///< the image / latent input, output 0
        int64_t staticBatch = 0;        ///< > 0: the graph takes exactly this batch
        std::string prefix;             ///< "encoder." / "decoder." for a pair, "" for one file
    };
    /// Where a model tensor lives: an initializer, or a Constant node's value.
    struct Source {
        size_t part = 0;
        bool constant = false;
        std::string graphName;  ///< initializer name, or the Constant's output name
    };
    std::vector<Part> parts;
    std::vector<Source> sources;  ///< parallel to the model's tensors
    std::vector<std::string> findings;
    OnnxGraphSummary summary;
};

namespace {


std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool endsWithNoCase(const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    return true;
}

std::string oneLine(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > 300) s = s.substr(0, 300) + "...";
    return s;
}

bool isFloatType(int t) {
    return t == onnx::TensorProto::FLOAT || t == onnx::TensorProto::FLOAT16 || t == onnx::TensorProto::DOUBLE;
}

bool isExternal(const onnx::TensorProto& t) {
    return t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0;
}

std::string externalLocation(const onnx::TensorProto& t) {
    for (const auto& kv : t.external_data())
        if (kv.key() == "location") return kv.value();
    return {};
}

// More values than any tensor in a model file we open holds (2^40: 4 TiB of float32).
constexpr int64_t kMaxTensorValues = int64_t(1) << 40;

// A shape for a one-line message: a fuzzed file may declare hundreds of dimensions.
std::string shortShape(const std::vector<int64_t>& dims) {
    constexpr size_t kShown = 6;
    if (dims.size() <= kShown) return shapeList(dims);
    const std::string head = shapeList(std::vector<int64_t>(dims.begin(), dims.begin() + kShown));
    return head.substr(0, head.size() - 1) + ", … (" + std::to_string(dims.size()) + " dimensions)]";
}

// A float tensor's values as float32 (float, float16, double; raw or typed storage).
Result<at::Tensor> floatValues(const onnx::TensorProto& t) {
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    // Dims come from the file: a negative one, or a running product past any file's size
    // (which overflowed int64 in a fuzzed model), is refused before it sizes anything. Not
    // cappedProduct: a zero after an absurd prefix would make the count 0, and LibTorch's
    // at::empty(dims) still overflows on that prefix.
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0) return fail("its shape has a negative dimension (" + std::to_string(d) + ")");
        if (__builtin_mul_overflow(n, d, &n) || n > kMaxTensorValues)
            return fail("its shape " + shortShape(dims) + " holds more values than a model file can");
    }
    const std::string& raw = t.raw_data();
    const auto fromRaw = [&](at::ScalarType type, int64_t bytes) -> Result<at::Tensor> {
        if (static_cast<int64_t>(raw.size()) != n * bytes) return fail("its " + std::to_string(raw.size()) + " bytes do not fit its shape");
        at::Tensor x = at::empty(dims, type);
        if (n > 0) std::memcpy(x.data_ptr(), raw.data(), raw.size());
        return x.to(at::kFloat);
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
        if (t.has_raw_data()) return fromRaw(at::kFloat, 4);
        if (t.float_data_size() != n) return fail("its values do not fit its shape");
        return at::tensor(std::vector<float>(t.float_data().begin(), t.float_data().end()), at::kFloat).reshape(dims).clone();
    case onnx::TensorProto::FLOAT16: {
        if (t.has_raw_data()) return fromRaw(at::kHalf, 2);
        if (t.int32_data_size() != n) return fail("its values do not fit its shape");
        at::Tensor h = at::empty(dims, at::kHalf);
        auto* p = static_cast<uint16_t*>(h.data_ptr());
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<uint16_t>(t.int32_data(static_cast<int>(i)));
        return h.to(at::kFloat);
    }
    case onnx::TensorProto::DOUBLE:
        if (t.has_raw_data()) return fromRaw(at::kDouble, 8);
        if (t.double_data_size() != n) return fail("its values do not fit its shape");
        return at::tensor(std::vector<double>(t.double_data().begin(), t.double_data().end()), at::kDouble).reshape(dims).to(at::kFloat);
    default: return fail("it is not a floating-point tensor");
    }
}

// Writes `v` into `t` in t's own float type (raw storage), keeping name and shape.
void setFloatValues(onnx::TensorProto& t, const at::Tensor& v) {
    at::Tensor x = v.contiguous();
    if (t.data_type() == onnx::TensorProto::FLOAT16) x = x.to(at::kHalf).contiguous();
    else if (t.data_type() == onnx::TensorProto::DOUBLE) x = x.to(at::kDouble).contiguous();
    else x = x.to(at::kFloat).contiguous();
    t.clear_float_data();
    t.clear_int32_data();
    t.clear_double_data();
    t.set_raw_data(std::string(static_cast<const char*>(x.data_ptr()), x.nbytes()));
}

onnx::TensorProto* constantValue(onnx::NodeProto& n) {
    if (n.op_type() != "Constant") return nullptr;
    for (auto& a : *n.mutable_attribute())
        if (a.name() == "value" && a.has_t()) return a.mutable_t();
    return nullptr;
}

const onnx::TensorProto* constantValue(const onnx::NodeProto& n) { return constantValue(const_cast<onnx::NodeProto&>(n)); }

int64_t intAttribute(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return a.i();
    return fallback;
}

std::string nodeLabel(const onnx::NodeProto& n) { return n.name().empty() ? (n.output_size() ? n.output(0) : n.op_type()) : n.name(); }

// One table of the layer kinds the quantizer knows, by op (ggml's type_traits style).
struct OpTraits {
    const char* op;
    LayerKind kind;
};
constexpr OpTraits kWeightOps[] = {
    {"Conv", LayerKind::Conv}, {"ConvTranspose", LayerKind::ConvTranspose}, {"Gemm", LayerKind::Linear}, {"MatMul", LayerKind::Linear}};
constexpr const char* kNormOps[] = {"BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization"};

const OpTraits* weightOp(const std::string& op) {
    for (const auto& t : kWeightOps)
        if (op == t.op) return &t;
    return nullptr;
}

// The axis input 1 of `n` quantizes along (its output channels), or -1.
int64_t weightAxis(const onnx::NodeProto& n, int64_t rank) {
    const std::string& op = n.op_type();
    if (op == "Conv") return rank >= 3 ? 0 : -1;
    if (op == "ConvTranspose") return rank >= 3 ? 1 : -1;
    if (op == "Gemm") return rank == 2 ? (intAttribute(n, "transB", 0) ? 0 : 1) : -1;
    if (op == "MatMul") return rank >= 2 ? rank - 1 : -1;
    return -1;
}

// `graph` with only output 0 and the nodes it needs.
onnx::ModelProto pruned(const onnx::ModelProto& m) {
    onnx::ModelProto out = m;
    onnx::GraphProto* g = out.mutable_graph();
    while (g->output_size() > 1) g->mutable_output()->RemoveLast();
    std::set<std::string> needed{g->output(0).name()};
    std::vector<bool> keep(static_cast<size_t>(g->node_size()), false);
    for (int i = g->node_size() - 1; i >= 0; --i) {
        const onnx::NodeProto& n = g->node(i);
        bool used = false;
        for (const auto& o : n.output()) used = used || needed.count(o);
        if (!used) continue;
        keep[static_cast<size_t>(i)] = true;
        for (const auto& in : n.input()) needed.insert(in);
    }
    onnx::GraphProto kept = *g;
    kept.clear_node();
    for (int i = 0; i < g->node_size(); ++i)
        if (keep[static_cast<size_t>(i)]) *kept.add_node() = g->node(i);
    kept.clear_initializer();
    for (const auto& t : g->initializer())
        if (needed.count(t.name())) *kept.add_initializer() = t;
    *g = std::move(kept);
    return out;
}

// `graph` with `values` (graph name -> float32) written in, serialized.
Result<std::string> withValues(const onnx::ModelProto& graph, const std::map<std::string, at::Tensor>& values) {
    onnx::ModelProto m = graph;
    onnx::GraphProto* g = m.mutable_graph();
    for (auto& t : *g->mutable_initializer())
        if (auto v = values.find(t.name()); v != values.end()) setFloatValues(t, v->second);
    for (auto& n : *g->mutable_node())
        if (onnx::TensorProto* t = constantValue(n); t && n.output_size() == 1)
            if (auto v = values.find(n.output(0)); v != values.end()) setFloatValues(*t, v->second);
    std::string bytes;
    if (!m.SerializeToString(&bytes)) return fail("the graph could not be serialized");
    return bytes;
}

// "error: (-213:The function/feature is not implemented) Foo in function 'bar'" -> "Foo".
std::string openCvReason(const std::string& message) {
    std::string m = message;
    const size_t err = m.rfind("error: (");
    if (err != std::string::npos) {
        const size_t close = m.find(") ", err);
        if (close != std::string::npos) m = m.substr(close + 2);
    }
    const size_t fn = m.find(" in function ");
    if (fn != std::string::npos) m = m.substr(0, fn);
    return oneLine(m);
}

// The node an OpenCV message names ("(onnx_node!NAME)", or "Node [OP@domain]"), if any.
const onnx::NodeProto* nodeNamedIn(const onnx::GraphProto& g, const std::string& message) {
    const size_t at = message.find("onnx_node!");
    if (at != std::string::npos) {
        const size_t start = at + std::strlen("onnx_node!");
        size_t end = start;
        while (end < message.size() && message[end] != ')' && message[end] != '"' && message[end] != '\'' && message[end] != ' ' &&
               message[end] != '\n')
            ++end;
        const std::string name = message.substr(start, end - start);
        for (const auto& n : g.node())
            if (n.name() == name || (n.output_size() && n.output(0) == name)) return &n;
    }
    const size_t node = message.find("Node [");
    if (node != std::string::npos) {
        const size_t start = node + std::strlen("Node [");
        const size_t end = message.find_first_of("@]", start);
        const std::string op = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
        for (const auto& n : g.node())
            if (n.op_type() == op) return &n;
    }
    return nullptr;
}

Result<std::shared_ptr<const OpenCvOnnxModel>> loadNet(const OnnxModel::Graphs::Part& part, const std::string& bytes, const ModelInfo& info) {
    return OpenCvOnnxModel::load(part.file, bytes, info);
}

// Runs `net` once on a batch of `batch` inputs of `dims` filled with `value`.
Result<at::Tensor> probe(const OpenCvOnnxModel& net, int64_t batch, const std::vector<int64_t>& dims, double value) {
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), dims.begin(), dims.end());
    return net.run(at::full(shape, value, at::kFloat));
}

// The first node whose output OpenCV cannot compute on a probe input: the graph cut after
// each node in turn (a failure at run time does not name the node).
const onnx::NodeProto* firstFailingNode(const OnnxModel::Graphs::Part& part, const std::vector<int64_t>& dims, double value, std::string* reason) {
    const onnx::GraphProto& g = part.runnable.graph();
    for (int i = 0; i < g.node_size(); ++i) {
        const onnx::NodeProto& n = g.node(i);
        if (n.op_type() == "Constant" || n.output_size() == 0) continue;
        onnx::ModelProto cut = part.runnable;
        onnx::GraphProto* cg = cut.mutable_graph();
        cg->clear_output();
        onnx::ValueInfoProto* o = cg->add_output();
        o->set_name(n.output(0));
        o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
        *cut.mutable_graph() = pruned(cut).graph();
        std::string bytes;
        if (!cut.SerializeToString(&bytes)) return nullptr;
        auto net = OpenCvOnnxModel::load(part.file, bytes, {});
        Result<at::Tensor> y = net ? probe(**net, 1, dims, value) : Result<at::Tensor>(net.error());
        if (!y) {
            *reason = y.error().message;
            return &n;
        }
    }
    return nullptr;
}

std::string cannotRun(const OnnxModel::Graphs::Part& part, const onnx::NodeProto* node, const std::string& message) {
    if (!node) return part.path + ": OpenCV DNN cannot run this graph (opset " + std::to_string(part.opset) + "): " + openCvReason(message);
    return part.path + ": node '" + nodeLabel(*node) + "' (" + node->op_type() + ", opset " + std::to_string(part.opset) +
           ") cannot be run by OpenCV DNN: " + openCvReason(message);
}

Result<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(path + ": cannot open the file");
    std::ostringstream s;
    s << in.rdbuf();
    if (!in.good() && !in.eof()) return fail(path + ": cannot read the file");
    return s.str();
}

Status readPart(OnnxModel::Graphs::Part& part) {
    auto bytes = readFile(part.path);
    if (!bytes) return bytes.error();
    if (bytes->empty() || !part.proto.ParseFromString(*bytes) || !part.proto.has_graph())
        return fail(part.path + ": not an ONNX model (its bytes do not parse as an ONNX ModelProto)");
    const onnx::GraphProto& g = part.proto.graph();
    part.opset = 0;
    for (const auto& o : part.proto.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") part.opset = static_cast<int>(o.version());
    if (part.opset > kOnnxOpenMaxOpset)
        return fail(part.path + ": ONNX opset " + std::to_string(part.opset) + " is newer than the opsets " + std::to_string(kOnnxOpenMinOpset) +
                    "-" + std::to_string(kOnnxOpenMaxOpset) + " we read; export it again with torch.onnx.export(..., opset_version=" +
                    std::to_string(kOnnxOpenMaxOpset) + ")");
    if (part.opset < kOnnxOpenMinOpset)
        return fail(part.path + ": ONNX opset " + std::to_string(part.opset) + " is older than the opsets " + std::to_string(kOnnxOpenMinOpset) +
                    "-" + std::to_string(kOnnxOpenMaxOpset) + " we read; export it again with torch.onnx.export(..., opset_version=13)");
    // One file is what we check, hash and package: tensors kept beside it are not read.
    const auto external = [&](const onnx::TensorProto& t) -> Status {
        if (!isExternal(t)) return Status::success();
        const std::string where = externalLocation(t);
        return fail(part.path + ": tensor '" + t.name() + "' is stored in an external data file" + (where.empty() ? "" : " ('" + where + "')") +
                    ", which we do not read (a model is one file we check, hash and package); save it with its tensors inside: "
                    "onnx.save_model(model, path, save_as_external_data=False)");
    };
    for (const auto& t : g.initializer())
        if (Status s = external(t); !s) return s;
    for (const auto& n : g.node())
        if (const onnx::TensorProto* t = constantValue(n))
            if (Status s = external(*t); !s) return s;
    for (const auto& n : g.node())
        for (const auto& a : n.attribute())
            if (a.type() == onnx::AttributeProto::GRAPH || a.type() == onnx::AttributeProto::GRAPHS)
                return fail(part.path + ": node '" + nodeLabel(n) + "' (" + n.op_type() + ", opset " + std::to_string(part.opset) +
                            ") holds a subgraph; control flow cannot be run by OpenCV DNN");

    // OpenCV 4.6's importer trusts the graph (a node reading a tensor nothing defines crashes
    // it, found by fuzz_onnx): ONNX's own checker first.
    try {
        onnx::checker::check_model(part.proto);
    } catch (const std::exception& e) {
        return fail(part.path + ": not a valid ONNX graph (" + oneLine(e.what()) + ")");
    }

    std::set<std::string> initNames;
    for (const auto& t : g.initializer()) initNames.insert(t.name());
    for (const auto& in : g.input())
        if (!initNames.count(in.name())) {
            part.input = in.name();
            break;
        }
    int inputs = 0;
    for (const auto& in : g.input()) inputs += initNames.count(in.name()) ? 0 : 1;
    if (inputs != 1) return fail(part.path + ": the graph has " + std::to_string(inputs) + " inputs; an autoencoder's graph has one");
    if (g.output_size() < 1) return fail(part.path + ": the graph has no output");
    part.output = g.output(0).name();
    part.runnable = pruned(part.proto);
    return Status::success();
}

// The input's per-image dims ([C, H, W] or the latent's), with the static batch; -1 where dynamic.
std::vector<int64_t> inputDims(const OnnxModel::Graphs::Part& part, int64_t* staticBatch) {
    std::vector<int64_t> dims;
    *staticBatch = 0;
    for (const auto& in : part.proto.graph().input()) {
        if (in.name() != part.input) continue;
        const auto& shape = in.type().tensor_type().shape();
        for (int i = 0; i < shape.dim_size(); ++i) {
            const int64_t v = shape.dim(i).has_dim_value() && shape.dim(i).dim_value() > 0 ? shape.dim(i).dim_value() : -1;
            if (i == 0) *staticBatch = std::max<int64_t>(v, 0);
            else dims.push_back(v);
        }
    }
    return dims;
}

}  // namespace

bool OnnxModel::isOnnxPath(const std::string& path) { return endsWithNoCase(path, ".onnx"); }

OnnxModel::OnnxModel(std::shared_ptr<const Graphs> graphs, ModelInfo info, std::vector<ModelTensor> tensors,
                     std::vector<std::shared_ptr<const OpenCvOnnxModel>> nets)
    : m_graphs(std::move(graphs)), m_info(std::move(info)), m_tensors(std::move(tensors)), m_nets(std::move(nets)) {}

Result<std::shared_ptr<const OnnxModel>> OnnxModel::open(const std::string& path, const ScriptedModelOptions& options,
                                                         std::vector<std::string>* notes) {
    auto graphs = std::make_shared<Graphs>();
    // A pair opens through either file.
    std::string stem;
    if (endsWithNoCase(path, ".encoder.onnx")) stem = path.substr(0, path.size() - std::strlen(".encoder.onnx"));
    else if (endsWithNoCase(path, ".decoder.onnx")) stem = path.substr(0, path.size() - std::strlen(".decoder.onnx"));
    if (!stem.empty()) {
        const std::string ext = path.substr(path.size() - 5);  // keeps the user's case of ".onnx"
        const std::string enc = stem + ".encoder" + ext, dec = stem + ".decoder" + ext;
        for (const std::string& p : {enc, dec})
            if (!std::ifstream(p, std::ios::binary))
                return fail(path + ": an encoder/decoder pair needs both " + fileName(enc) + " and " + fileName(dec) + " in one folder; " +
                            fileName(p) + " is missing");
        graphs->parts.resize(2);
        graphs->parts[0].path = enc;
        graphs->parts[0].prefix = "encoder.";
        graphs->parts[1].path = dec;
        graphs->parts[1].prefix = "decoder.";
    } else {
        graphs->parts.resize(1);
        graphs->parts[0].path = path;
    }
    for (auto& part : graphs->parts) {
        part.file = fileName(part.path);
        if (Status s = readPart(part); !s) return s.error();
    }
    const bool pair = graphs->parts.size() == 2;

    // Tensors: every float initializer and float Constant, with the layer that uses it.
    std::vector<ModelTensor> tensors;
    ModelInfo info;
    info.arch = "onnx";
    info.interface = pair ? ModelInterface::Vae : ModelInterface::Autoencoder;
    info.inputRange = options.inputRange;
    info.outputRange = options.outputRange;
    std::map<std::string, int> quantizableOps;
    for (size_t pi = 0; pi < graphs->parts.size(); ++pi) {
        const Graphs::Part& part = graphs->parts[pi];
        const onnx::GraphProto& g = part.proto.graph();
        std::map<std::string, const onnx::TensorProto*> inits;
        for (const auto& t : g.initializer())
            if (isFloatType(t.data_type())) inits[t.name()] = &t;
        std::map<std::string, std::map<int64_t, std::string>> axes;  // initializer -> axis -> first op wanting it
        std::map<std::string, LayerKind> layers;
        for (const auto& n : g.node()) {
            if (const OpTraits* w = weightOp(n.op_type())) {
                if (n.input_size() >= 2 && inits.count(n.input(1))) {
                    const int64_t axis = weightAxis(n, inits[n.input(1)]->dims_size());
                    if (axis >= 0) axes[n.input(1)].emplace(axis, n.op_type());
                    layers.emplace(n.input(1), w->kind);
                }
                if (n.input_size() >= 3 && n.op_type() != "MatMul") layers.emplace(n.input(2), w->kind);
            }
            for (const char* norm : kNormOps)
                if (n.op_type() == norm)
                    for (int i = 1; i < n.input_size(); ++i) layers.emplace(n.input(i), LayerKind::Norm);
        }
        const auto add = [&](const std::string& graphName, const onnx::TensorProto& t, bool constant) -> Status {
            auto v = floatValues(t);
            if (!v) return fail(part.path + ": tensor '" + graphName + "': " + v.error().message);
            if (!at::isfinite(*v).all().item<bool>()) return fail(part.path + ": tensor '" + graphName + "' holds a NaN or Inf");
            ModelTensor mt;
            mt.name = part.prefix + graphName;
            mt.tensor = *v;
            const auto l = layers.find(graphName);
            mt.layer = l == layers.end() ? LayerKind::Other : l->second;
            const auto a = axes.find(graphName);
            if (!constant && a != axes.end()) {
                if (a->second.size() == 1) {
                    mt.axis = a->second.begin()->first;
                    mt.quantizedByDefault = true;
                    ++quantizableOps[a->second.begin()->second];
                } else {
                    std::string uses;
                    for (const auto& [axis, op] : a->second) uses += (uses.empty() ? "" : ", ") + op + " on axis " + std::to_string(axis);
                    graphs->findings.push_back(mt.name + ": its consumers quantize it along different axes (" + uses + "); kept FP32");
                }
            }
            info.params += v->numel();
            graphs->sources.push_back({pi, constant, graphName});
            tensors.push_back(std::move(mt));
            return Status::success();
        };
        for (const auto& t : g.initializer())
            if (isFloatType(t.data_type()))
                if (Status s = add(t.name(), t, false); !s) return s.error();
        for (const auto& n : g.node())
            if (const onnx::TensorProto* t = constantValue(n); t && isFloatType(t->data_type()) && n.output_size() == 1)
                if (Status s = add(n.output(0), *t, true); !s) return s.error();
    }
    {
        std::set<std::string> names;
        for (const auto& t : tensors)
            if (!names.insert(t.name).second) return fail(path + ": two tensors are named '" + t.name + "'");
    }

    // Input shape: the graph's static dims, else --input-shape, else the data's.
    Graphs::Part& first = graphs->parts[0];
    std::vector<int64_t> dims = inputDims(first, &first.staticBatch);
    if (dims.size() != 3)
        return fail(first.path + ": input '" + first.input + "' has rank " + std::to_string(dims.size() + 1) +
                    "; an image autoencoder takes [N, C, H, W]");
    std::string how;
    const bool dynamic = std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; });
    if (options.inputShape) {
        const auto& given = *options.inputShape;
        if (given.size() != 3) return fail("--input-shape must be C,H,W with positive values");
        for (size_t i = 0; i < 3; ++i)
            if (dims[i] > 0 && dims[i] != given[i])
                return fail(first.path + ": --input-shape " + shapeDims(given) + " disagrees with the graph's input " + shapeDims(dims));
        dims = given;
        how = "input shape " + shapeDims(dims) + " as given (--input-shape)";
    } else if (dynamic) {
        if (!options.dataShape || options.dataShape->size() != 3)
            return fail(first.path + ": input '" + first.input + "' has dynamic image dimensions; give the shape with --input-shape C,H,W");
        for (size_t i = 0; i < 3; ++i)
            if (dims[i] > 0 && dims[i] != (*options.dataShape)[i])
                return fail(first.path + ": input '" + first.input + "' has dynamic image dimensions; give the shape with --input-shape C,H,W");
        dims = *options.dataShape;
        how = "input shape " + shapeDims(dims) + ": the data's own (the graph's image dimensions are dynamic)";
    } else {
        how = "input shape " + shapeDims(dims) + " from the graph";
    }
    info.inputShape = dims;
    if (pair) {
        int64_t decoderBatch = 0;
        inputDims(graphs->parts[1], &decoderBatch);
        graphs->parts[1].staticBatch = decoderBatch;
    }

    // Load and run once: OpenCV's refusal names the node.
    const double mid = 0.5 * (info.inputRange.lo + info.inputRange.hi);
    std::vector<std::shared_ptr<const OpenCvOnnxModel>> nets;
    std::vector<int64_t> latentShape;
    for (size_t pi = 0; pi < graphs->parts.size(); ++pi) {
        Graphs::Part& part = graphs->parts[pi];
        std::string bytes;
        if (!part.runnable.SerializeToString(&bytes)) return fail(part.path + ": the graph could not be serialized");
        auto net = loadNet(part, bytes, info);
        if (!net) return fail(cannotRun(part, nodeNamedIn(part.runnable.graph(), net.error().message), net.error().message));
        const std::vector<int64_t> partDims = pi == 0 ? dims : latentShape;
        const double value = pi == 0 ? mid : 0.0;
        auto y = probe(**net, std::max<int64_t>(part.staticBatch, 1), partDims, value);
        if (!y) {
            std::string reason = y.error().message;
            const onnx::NodeProto* node = nodeNamedIn(part.runnable.graph(), reason);
            if (!node) node = firstFailingNode(part, partDims, value, &reason);
            return fail(cannotRun(part, node, reason));
        }
        const int64_t probeBatch = std::max<int64_t>(part.staticBatch, 1);
        if (y->dim() == 0 || y->size(0) != probeBatch)
            return fail(part.path + ": output '" + part.output + "' is " + shapeDims(y->sizes().vec()) + " for a batch of " +
                        std::to_string(probeBatch) + " input" + (probeBatch == 1 ? "" : "s") + "; a model returns one output per input");
        // A dynamic batch that only runs one image at a time (a shape folded to a constant).
        if (part.staticBatch == 0) {
            auto two = probe(**net, 2, partDims, value);
            if (!two || two->size(0) != 2) {
                // Say so in the graph we run and export: its runner then feeds one image at a time.
                part.staticBatch = 1;
                for (auto& in : *part.runnable.mutable_graph()->mutable_input())
                    if (in.name() == part.input && in.type().tensor_type().shape().dim_size() > 0)
                        in.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(1);
                if (!part.runnable.SerializeToString(&bytes)) return fail(part.path + ": the graph could not be serialized");
                net = loadNet(part, bytes, info);
                if (!net) return fail(cannotRun(part, nodeNamedIn(part.runnable.graph(), net.error().message), net.error().message));
                if (notes) notes->push_back(part.file + ": its batch dimension is dynamic but it runs one image at a time (a shape fixed at export)");
            }
        }
        std::vector<int64_t> out = y->sizes().vec();
        out.erase(out.begin());
        if (pair && pi == 0) {
            if (out.size() != 1 && out.size() != 3)
                return fail(part.path + ": output '" + part.output + "' is " + shapeDims(y->sizes().vec()) +
                            "; an encoder returns mu as [N, L] or [N, C, h, w]");
            latentShape = out;
        } else if (out != dims) {
            return fail(part.path + ": output '" + part.output + "' is " + shapeDims(out) + " per image for a " + shapeDims(dims) +
                        " input; an autoencoder returns its input's shape");
        }
        nets.push_back(*net);
    }
    if (pair) {
        info.latent.kind = latentShape.size() == 1 ? LatentKind::Vector : LatentKind::Spatial;
        info.latent.shape = latentShape;
    }
    info.latentDim = info.latent.dim();

    OnnxGraphSummary& summary = graphs->summary;
    for (const auto& part : graphs->parts) {
        std::map<std::string, int> ops;
        for (const auto& n : part.proto.graph().node()) ++ops[n.op_type()];
        summary.parts.push_back({part.file, part.opset, part.proto.graph().node_size(), {ops.begin(), ops.end()}, part.staticBatch, part.input,
                                 part.output});
    }
    summary.quantizableOps.assign(quantizableOps.begin(), quantizableOps.end());
    for (const auto& [op, count] : quantizableOps) summary.quantizableLayers += count;
    summary.findings = graphs->findings;
    if (notes) {
        for (const auto& p : summary.parts) {
            std::string list;
            for (const auto& [op, count] : p.ops) list += (list.empty() ? "" : ", ") + op + (count > 1 ? " x" + std::to_string(count) : "");
            notes->push_back(p.file + ": ONNX opset " + std::to_string(p.opset) + ", " + std::to_string(p.nodes) + " nodes (" + list + "), batch " +
                             (p.staticBatch > 0 ? std::to_string(p.staticBatch) + " (static)" : "dynamic"));
        }
        std::string q;
        for (const auto& [op, count] : summary.quantizableOps) q += (q.empty() ? "" : ", ") + op + " x" + std::to_string(count);
        notes->push_back(std::to_string(summary.quantizableLayers) + " quantizable layers" + (q.empty() ? "" : " (" + q + ")") +
                         ": input 1 of Conv (axis 0), ConvTranspose (axis 1), Gemm (axis 0 with transB, else 1), MatMul (last axis)");
        notes->push_back(how);
        for (const auto& f : graphs->findings) notes->push_back(f);
    }
    return std::shared_ptr<const OnnxModel>(new OnnxModel(std::move(graphs), std::move(info), std::move(tensors), std::move(nets)));
}

Result<std::shared_ptr<const Model>> OnnxModel::withWeights(const StateDict& weights) const {
    std::vector<ModelTensor> tensors = m_tensors;
    std::vector<std::map<std::string, at::Tensor>> values(m_graphs->parts.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
        ModelTensor& t = tensors[i];
        const at::Tensor* w = weights.find(t.name);
        if (!w) return fail("weights for " + describe() + " lack tensor '" + t.name + "'");
        if (w->sizes() != t.tensor.sizes())
            return fail("tensor '" + t.name + "' has shape " + shapeDims(w->sizes().vec()) + ", the model's is " + shapeDims(t.tensor.sizes().vec()));
        t.tensor = w->scalar_type() == at::kFloat ? *w : w->to(at::kFloat);
        const Graphs::Source& s = m_graphs->sources[i];
        values[s.part][s.graphName] = t.tensor;
    }
    std::vector<std::shared_ptr<const OpenCvOnnxModel>> nets;
    for (size_t pi = 0; pi < m_graphs->parts.size(); ++pi) {
        const Graphs::Part& part = m_graphs->parts[pi];
        auto bytes = withValues(part.runnable, values[pi]);
        if (!bytes) return fail(part.path + ": " + bytes.error().message);
        auto net = loadNet(part, *bytes, m_info);
        if (!net) return net.error();
        nets.push_back(*net);
    }
    return std::shared_ptr<const Model>(new OnnxModel(m_graphs, m_info, std::move(tensors), std::move(nets)));
}

// OpenCvOnnxModel runs a graph made for a fixed batch in chunks of it.
at::Tensor OnnxModel::runPart(size_t part, const at::Tensor& x) const { return m_nets[part]->forwardNative(x); }

at::Tensor OnnxModel::forwardNative(const at::Tensor& x) const {
    if (m_info.interface == ModelInterface::Vae) return Model::forwardNative(x);
    return runPart(0, x);
}

at::Tensor OnnxModel::encodeNative(const at::Tensor& x) const {
    if (m_info.interface != ModelInterface::Vae) return Model::encodeNative(x);
    return runPart(0, x);
}

at::Tensor OnnxModel::decodeNative(const at::Tensor& z) const {
    if (m_info.interface != ModelInterface::Vae) return Model::decodeNative(z);
    return runPart(1, z);
}

LatentReductionSupport OnnxModel::latentReductions() const {
    LatentReductionSupport s;
    if (m_info.interface != ModelInterface::Vae) {
        s.reason = "a forward-only model (one ONNX file, x -> x_hat) has no latent we can reach; export the encoder and decoder as "
                   "NAME.encoder.onnx and NAME.decoder.onnx and open that pair for the latent slider";
        return s;
    }
    // The graphs are data we could rewrite, but a projection between the two files is exact
    // and needs no knowledge of their layers.
    s.projection = true;
    return s;
}

std::string OnnxModel::notTrainableReason() const {
    return "an ONNX graph carries no training objective; training needs a built-in architecture";
}

std::vector<ExportArtifact> OnnxModel::exportArtifacts() const { return {ExportArtifact::PackedWeights, ExportArtifact::Onnx}; }

std::vector<OnnxGraphPart> OnnxModel::onnxGraphParts() const {
    if (m_graphs->parts.size() == 2) return {OnnxGraphPart::Model, OnnxGraphPart::Encoder, OnnxGraphPart::Decoder};
    return {OnnxGraphPart::Model};
}

int OnnxModel::onnxMaxOpset() const {
    int opset = kOnnxOpenQdqOpset;
    for (const auto& p : m_graphs->parts) opset = std::max(opset, p.opset);
    return opset;
}

Status OnnxModel::buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const {
    const auto copyIn = [&](size_t pi, const std::string& input, const std::string& prefix) -> Result<std::string> {
        const Graphs::Part& p = m_graphs->parts[pi];
        onnx::ModelProto m = p.runnable;
        // Per-axis DequantizeLinear is opset 13: an older graph is converted by ONNX's own converter.
        if (p.opset < kOnnxOpenQdqOpset) {
            try {
                m = onnx::version_conversion::ConvertVersion(m, kOnnxOpenQdqOpset);
            } catch (const std::exception& e) {
                return fail(p.path + ": its opset " + std::to_string(p.opset) + " graph cannot be converted to opset " +
                            std::to_string(kOnnxOpenQdqOpset) + " for DequantizeLinear (" + oneLine(e.what()) +
                            "); export it again with torch.onnx.export(..., opset_version=13)");
            }
        }
        std::string bytes;
        if (!m.SerializeToString(&bytes)) return fail(p.path + ": the graph could not be serialized");
        std::vector<std::pair<std::string, std::string>> names;
        for (size_t i = 0; i < m_tensors.size(); ++i)
            if (m_graphs->sources[i].part == pi) names.emplace_back(m_graphs->sources[i].graphName, m_tensors[i].name);
        return sink.graph(bytes, input, names, prefix);
    };
    const std::vector<int64_t>& dims = m_info.inputShape;
    const bool pair = m_graphs->parts.size() == 2;
    const int64_t b0 = m_graphs->parts[0].staticBatch;
    if (!pair && part == OnnxGraphPart::Model) {
        auto y = copyIn(0, sink.input("x", dims, b0), "model/");
        if (!y) return y.error();
        sink.output(*y, "x_hat", dims, b0);
        return Status::success();
    }
    if (!pair) return fail(describe() + ": a single ONNX file has no " + onnxGraphPartName(part) + " part");
    const int64_t b1 = m_graphs->parts[1].staticBatch;
    if (part == OnnxGraphPart::Encoder) {
        auto mu = copyIn(0, sink.input("x", dims, b0), "encoder/");
        if (!mu) return mu.error();
        sink.output(*mu, "mu", m_info.latent.shape, b0);
    } else if (part == OnnxGraphPart::Decoder) {
        auto y = copyIn(1, sink.input("z", m_info.latent.shape, b1), "decoder/");
        if (!y) return y.error();
        sink.output(*y, "x_hat", dims, b1);
    } else {
        const int64_t batch = b0 > 0 ? b0 : b1;
        auto mu = copyIn(0, sink.input("x", dims, batch), "encoder/");
        if (!mu) return mu.error();
        auto y = copyIn(1, *mu, "decoder/");
        if (!y) return y.error();
        sink.output(*y, "x_hat", dims, batch);
    }
    return Status::success();
}

std::string OnnxModel::noTorchScriptReason() const { return "an ONNX model has no TorchScript form; its package holds ONNX"; }

std::string OnnxModel::noOnnxReason() const { return {}; }

std::string OnnxModel::describe() const {
    std::string files;
    for (const auto& p : m_graphs->parts) files += (files.empty() ? "" : " + ") + p.file;
    return "onnx " + files + " (" + shapeDims(m_info.inputShape) + ")";
}

std::vector<std::string> OnnxModel::graphFiles() const {
    std::vector<std::map<std::string, at::Tensor>> values(m_graphs->parts.size());
    for (size_t i = 0; i < m_tensors.size(); ++i) values[m_graphs->sources[i].part][m_graphs->sources[i].graphName] = m_tensors[i].tensor;
    std::vector<std::string> out;
    for (size_t pi = 0; pi < m_graphs->parts.size(); ++pi) {
        auto bytes = withValues(m_graphs->parts[pi].proto, values[pi]);
        out.push_back(bytes ? *bytes : std::string());
    }
    return out;
}

const std::vector<std::string>& OnnxModel::findings() const { return m_graphs->findings; }

const OnnxGraphSummary& OnnxModel::summary() const { return m_graphs->summary; }

}  // namespace pareto
