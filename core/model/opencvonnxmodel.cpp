// SPDX-License-Identifier: Apache-2.0
#include "model/opencvonnxmodel.h"
#include "common/shapetext.h"

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <cmath>
#include <optional>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

namespace pareto {
namespace {

// OpenCV before 4.9 imports InstanceNormalization as MVN (which applies the node's epsilon
// correctly) followed by a BatchNorm layer with mean 0, variance 1 and BatchNorm's own default
// epsilon 1e-5, so every normalized value comes out scaled by 1 / sqrt(1 + 1e-5), i.e. 5e-6 too
// small. For TinyVAE's GroupNorms that moved the package's MSE by ~1e-5 relative. Pre-scaling
// the node's scale by sqrt(1 + 1e-5) cancels it; OpenCV 4.9+ has a true InstanceNorm layer.
#if CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR < 9
constexpr bool kInstanceNormGetsBatchNormEpsilon = true;
#else
constexpr bool kInstanceNormGetsBatchNormEpsilon = false;
#endif
constexpr float kOpenCvBatchNormEpsilon = 1e-5f;

// A float tensor's values (raw or typed storage).
std::vector<float> floats(const onnx::TensorProto& t) {
    std::vector<float> values;
    if (t.has_raw_data()) {
        values.resize(t.raw_data().size() / sizeof(float));
        std::memcpy(values.data(), t.raw_data().data(), values.size() * sizeof(float));
    } else {
        values.assign(t.float_data().begin(), t.float_data().end());
    }
    return values;
}

bool cancelInstanceNormEpsilon(onnx::ModelProto& m) {
    onnx::GraphProto* g = m.mutable_graph();
    // BatchNorm divides by sqrt(1.0f + eps) in float: multiply by exactly that.
    const double factor = std::sqrt(static_cast<double>(1.0f + kOpenCvBatchNormEpsilon));
    bool changed = false;
    for (onnx::NodeProto& n : *g->mutable_node()) {
        if (n.op_type() != "InstanceNormalization" || n.input_size() != 3) continue;
        const onnx::TensorProto* scale = nullptr;
        for (const onnx::TensorProto& t : g->initializer())
            if (t.name() == n.input(1)) scale = &t;
        // OpenCV needs the scale as an initializer anyway; anything else it rejects on its own.
        if (!scale || scale->data_type() != onnx::TensorProto::FLOAT) continue;
        onnx::TensorProto compensated = *scale;
        compensated.set_name(n.output(0) + "/opencv_scale");
        std::vector<float> values = floats(*scale);
        for (float& v : values) v = static_cast<float>(static_cast<double>(v) * factor);
        compensated.clear_float_data();
        compensated.clear_raw_data();
        compensated.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
        n.set_input(1, compensated.name());
        *g->add_initializer() = std::move(compensated);
        changed = true;
    }
    return changed;
}

// OpenCV 4.6 imports Gemm's B only as [out, in] (transB = 1): without transB its bias check
// fails ("!bias || ... numOutput == blobs[1].total()"), which torch.addmm and weights kept as
// [in, out] export. A B initializer that only such Gemms read is stored transposed with transB
// = 1: the same arithmetic, in the form OpenCV imports.
bool transposeGemmWeights(onnx::ModelProto& m) {
    onnx::GraphProto* g = m.mutable_graph();
    const auto attr = [](const onnx::NodeProto& n, const char* name) {
        for (const auto& a : n.attribute())
            if (a.name() == name) return a.i();
        return int64_t(0);
    };
    std::map<std::string, bool> onlyGemmB;  // value -> read only as B of a Gemm without transA / transB
    for (const auto& n : g->node())
        for (int i = 0; i < n.input_size(); ++i) {
            const bool b = n.op_type() == "Gemm" && i == 1 && !attr(n, "transB") && !attr(n, "transA");
            auto [it, fresh] = onlyGemmB.emplace(n.input(i), b);
            if (!fresh) it->second = it->second && b;
        }
    for (const auto& o : g->output()) onlyGemmB[o.name()] = false;
    std::set<std::string> transposed;
    for (auto& t : *g->mutable_initializer()) {
        const auto it = onlyGemmB.find(t.name());
        if (it == onlyGemmB.end() || !it->second || t.dims_size() != 2 || t.data_type() != onnx::TensorProto::FLOAT) continue;
        const int64_t rows = t.dims(0), cols = t.dims(1);
        const std::vector<float> v = floats(t);
        if (static_cast<int64_t>(v.size()) != rows * cols) continue;
        std::vector<float> out(v.size());
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c) out[static_cast<size_t>(c * rows + r)] = v[static_cast<size_t>(r * cols + c)];
        t.clear_float_data();
        t.set_raw_data(std::string(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(float)));
        t.set_dims(0, cols);
        t.set_dims(1, rows);
        transposed.insert(t.name());
    }
    for (auto& n : *g->mutable_node()) {
        if (n.op_type() != "Gemm" || n.input_size() < 2 || !transposed.count(n.input(1))) continue;
        bool set = false;
        for (auto& a : *n.mutable_attribute())
            if (a.name() == "transB") a.set_i(1), set = true;
        if (!set) {
            onnx::AttributeProto* a = n.add_attribute();
            a->set_name("transB");
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(1);
        }
    }
    return !transposed.empty();
}

// An int64 shape value known when the graph is loaded: its dims and elements, some of which
// (a dynamic batch) may be unknown.
struct ShapeValue {
    std::vector<int64_t> dims;
    std::vector<int64_t> values;
    std::vector<bool> known;
    bool complete() const { return std::all_of(known.begin(), known.end(), [](bool k) { return k; }); }
};

std::optional<ShapeValue> intTensor(const onnx::TensorProto& t) {
    if (t.data_type() != onnx::TensorProto::INT64 && t.data_type() != onnx::TensorProto::INT32) return std::nullopt;
    ShapeValue v;
    v.dims.assign(t.dims().begin(), t.dims().end());
    int64_t n = 1;
    for (int64_t d : v.dims) n *= d;
    if (n > 64) return std::nullopt;  // shape arithmetic is small
    if (t.has_raw_data()) {
        const size_t width = t.data_type() == onnx::TensorProto::INT64 ? 8 : 4;
        if (t.raw_data().size() != static_cast<size_t>(n) * width) return std::nullopt;
        for (int64_t i = 0; i < n; ++i) {
            if (width == 8) {
                int64_t x;
                std::memcpy(&x, t.raw_data().data() + i * 8, 8);
                v.values.push_back(x);
            } else {
                int32_t x;
                std::memcpy(&x, t.raw_data().data() + i * 4, 4);
                v.values.push_back(x);
            }
        }
    } else if (t.data_type() == onnx::TensorProto::INT64) {
        v.values.assign(t.int64_data().begin(), t.int64_data().end());
    } else {
        v.values.assign(t.int32_data().begin(), t.int32_data().end());
    }
    if (static_cast<int64_t>(v.values.size()) != n) return std::nullopt;
    v.known.assign(v.values.size(), true);
    return v;
}

// torch.onnx.export computes some sizes from the tensors' shapes at run time (chunk, split and
// size(1) arithmetic: Shape -> Gather -> Add/Div/Mul -> Slice), which OpenCV 4.6 often cannot
// import. With the input's static dims and ONNX's shape inference most of these are constants:
// each int64 node whose every output is known becomes a Constant, and nodes nothing reads any
// more are dropped. A value that depends on a dynamic batch stays computed at run time.
bool foldShapeArithmetic(onnx::ModelProto& m) {
    bool shapeOps = false;
    for (const auto& n : m.graph().node()) shapeOps = shapeOps || n.op_type() == "Shape";
    if (!shapeOps) return false;
    onnx::ModelProto inferred = m;
    try {
        onnx::shape_inference::InferShapes(inferred);
    } catch (const std::exception&) {
        return false;  // OpenCV will say what it cannot run
    }
    std::map<std::string, std::vector<int64_t>> shapes;  // value -> dims, -1 where unknown
    const auto record = [&](const onnx::ValueInfoProto& v) {
        if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
        std::vector<int64_t> d;
        for (const auto& dim : v.type().tensor_type().shape().dim()) d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        shapes[v.name()] = d;
    };
    for (const auto& v : inferred.graph().input()) record(v);
    for (const auto& v : inferred.graph().value_info()) record(v);
    for (const auto& v : inferred.graph().output()) record(v);

    std::map<std::string, ShapeValue> known;
    for (const auto& t : m.graph().initializer())
        if (auto v = intTensor(t)) known[t.name()] = *v;
    const auto attr = [](const onnx::NodeProto& n, const char* name) -> const onnx::AttributeProto* {
        for (const auto& a : n.attribute())
            if (a.name() == name) return &a;
        return nullptr;
    };
    const auto get = [&](const onnx::NodeProto& n, int i) -> const ShapeValue* {
        if (i >= n.input_size()) return nullptr;
        auto it = known.find(n.input(i));
        return it == known.end() ? nullptr : &it->second;
    };
    const auto elementwise = [](const ShapeValue& a, const ShapeValue& b, const std::string& op) -> std::optional<ShapeValue> {
        const size_t na = a.values.size(), nb = b.values.size();
        if ((na != nb && na != 1 && nb != 1) || a.dims.size() > 1 || b.dims.size() > 1) return std::nullopt;
        ShapeValue r;  // ONNX broadcasting of 0-d and 1-d values
        if (!a.dims.empty() || !b.dims.empty()) r.dims = {static_cast<int64_t>(std::max(na, nb))};
        for (size_t i = 0; i < std::max(na, nb); ++i) {
            const size_t ia = na == 1 ? 0 : i, ib = nb == 1 ? 0 : i;
            const int64_t x = a.values[ia], y = b.values[ib];
            const bool k = a.known[ia] && b.known[ib] && !(op == "Div" && y == 0);
            r.known.push_back(k);
            r.values.push_back(!k ? 0 : op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y);
        }
        return r;
    };
    std::set<std::string> folded;
    for (const auto& n : m.graph().node()) {
        if (n.output_size() != 1) continue;
        const std::string& op = n.op_type();
        std::optional<ShapeValue> out;
        if (op == "Constant") {
            if (const auto* a = attr(n, "value"); a && a->has_t()) out = intTensor(a->t());
            if (out) known[n.output(0)] = *out;
            continue;  // already a constant
        }
        if (op == "Shape") {
            auto s = shapes.find(n.input(0));
            if (s == shapes.end()) continue;
            int64_t r = static_cast<int64_t>(s->second.size()), start = 0, end = r;
            if (const auto* a = attr(n, "start")) start = a->i() < 0 ? a->i() + r : a->i();
            if (const auto* a = attr(n, "end")) end = a->i() < 0 ? a->i() + r : a->i();
            start = std::clamp<int64_t>(start, 0, r);
            end = std::clamp<int64_t>(end, start, r);
            ShapeValue v;
            for (int64_t i = start; i < end; ++i) {
                const int64_t d = s->second[static_cast<size_t>(i)];
                v.values.push_back(d < 0 ? 0 : d);
                v.known.push_back(d >= 0);
            }
            v.dims = {end - start};
            out = v;
        } else if (op == "Gather") {
            const ShapeValue *data = get(n, 0), *idx = get(n, 1);
            const auto* a = attr(n, "axis");
            if (data && idx && data->dims.size() == 1 && (!a || a->i() == 0) && idx->complete()) {
                ShapeValue v;
                v.dims = idx->dims;
                bool ok = true;
                for (int64_t i : idx->values) {
                    const int64_t j = i < 0 ? i + static_cast<int64_t>(data->values.size()) : i;
                    if (j < 0 || j >= static_cast<int64_t>(data->values.size())) ok = false;
                    else {
                        v.values.push_back(data->values[static_cast<size_t>(j)]);
                        v.known.push_back(data->known[static_cast<size_t>(j)]);
                    }
                }
                if (ok) out = v;
            }
        } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
            const ShapeValue *a = get(n, 0), *b = get(n, 1);
            if (a && b) out = elementwise(*a, *b, op);
        } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Cast" || op == "Identity") {
            const ShapeValue* a = get(n, 0);
            const auto* to = attr(n, "to");
            if (a && a->values.size() <= 64 && (op != "Cast" || (to && (to->i() == onnx::TensorProto::INT64)))) {
                ShapeValue v = *a;
                if (op == "Unsqueeze") v.dims = {static_cast<int64_t>(v.values.size())};
                if (op == "Squeeze") v.dims = v.values.size() == 1 ? std::vector<int64_t>{} : std::vector<int64_t>{static_cast<int64_t>(v.values.size())};
                // Only 0-d and 1-d values: what shape arithmetic is.
                if (a->dims.size() <= 1) out = v;
            }
        } else if (op == "Concat") {
            ShapeValue v;
            bool ok = n.input_size() > 0;
            for (int i = 0; i < n.input_size() && ok; ++i) {
                const ShapeValue* a = get(n, i);
                ok = a && a->dims.size() == 1;
                if (ok) {
                    v.values.insert(v.values.end(), a->values.begin(), a->values.end());
                    v.known.insert(v.known.end(), a->known.begin(), a->known.end());
                }
            }
            v.dims = {static_cast<int64_t>(v.values.size())};
            if (ok) out = v;
        }
        if (!out) continue;
        known[n.output(0)] = *out;
        if (out->complete()) folded.insert(n.output(0));
    }
    if (folded.empty()) return false;

    // Folded nodes become Constants; then everything no output needs goes.
    onnx::GraphProto* g = m.mutable_graph();
    for (auto& n : *g->mutable_node()) {
        if (n.output_size() != 1 || !folded.count(n.output(0)) || n.op_type() == "Constant") continue;
        const ShapeValue& v = known[n.output(0)];
        const std::string name = n.output(0), nodeName = n.name();
        n.Clear();
        n.set_op_type("Constant");
        n.set_name(nodeName);
        n.add_output(name);
        onnx::AttributeProto* a = n.add_attribute();
        a->set_name("value");
        a->set_type(onnx::AttributeProto::TENSOR);
        onnx::TensorProto* t = a->mutable_t();
        t->set_data_type(onnx::TensorProto::INT64);
        for (int64_t d : v.dims) t->add_dims(d);
        for (int64_t x : v.values) t->add_int64_data(x);
    }
    std::set<std::string> needed;
    for (const auto& o : g->output()) needed.insert(o.name());
    std::vector<bool> keep(static_cast<size_t>(g->node_size()), false);
    for (int i = g->node_size() - 1; i >= 0; --i) {
        const auto& n = g->node(i);
        bool used = false;
        for (const auto& o : n.output()) used = used || needed.count(o);
        if (!used) continue;
        keep[static_cast<size_t>(i)] = true;
        for (const auto& in : n.input()) needed.insert(in);
    }
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < g->node_size(); ++i)
        if (keep[static_cast<size_t>(i)]) *nodes.Add() = g->node(i);
    g->mutable_node()->Swap(&nodes);
    return true;
}

// OpenCV 4.6 divides by a convolution's group, strides and dilations and reads strides,
// pads and dilations by the kernel's rank without checking them: group 0 or a short strides
// list crashes its importer (SIGFPE). The window attributes of Conv, ConvTranspose and the
// pools are checked here first; ONNX's checker does not look at values.
Status checkWindowAttributes(const onnx::ModelProto& m, const std::string& label) {
    static const std::set<std::string> kWindowOps{"Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool"};
    constexpr int64_t kMaxWindow = 1 << 16;  // past any image side we accept (16,384 px)
    std::map<std::string, const onnx::TensorProto*> initializers;
    for (const auto& t : m.graph().initializer()) initializers[t.name()] = &t;
    for (int i = 0; i < m.graph().node_size(); ++i) {
        const onnx::NodeProto& n = m.graph().node(i);
        if (!kWindowOps.count(n.op_type())) continue;
        const std::string node = "node '" + (n.name().empty() ? "#" + std::to_string(i) : n.name()) + "' (" + n.op_type() + ")";
        const auto refuse = [&](const std::string& what) { return fail(label + ": " + node + ": " + what); };
        const bool conv = n.op_type() == "Conv" || n.op_type() == "ConvTranspose";
        int64_t spatial = 0;
        if (conv && n.input_size() > 1)
            if (auto it = initializers.find(n.input(1)); it != initializers.end()) {
                if (it->second->dims_size() < 3) return refuse("its weight has rank " + std::to_string(it->second->dims_size()) + ", fewer than 3");
                spatial = it->second->dims_size() - 2;
            }
        for (const auto& a : n.attribute())
            if (a.name() == "kernel_shape" && spatial == 0) spatial = a.ints_size();
        for (const auto& a : n.attribute()) {
            const std::string& name = a.name();
            if (name == "group") {
                if (!conv) continue;
                if (a.i() < 1 || a.i() > kMaxWindow) return refuse("group is " + std::to_string(a.i()) + "; it must be at least 1");
                continue;
            }
            const bool positive = name == "kernel_shape" || name == "strides" || name == "dilations";
            const bool nonNegative = name == "pads" || name == "output_padding";
            if (!positive && !nonNegative) continue;
            const int64_t want = name == "pads" ? 2 * spatial : spatial;
            if (spatial > 0 && a.ints_size() != want)
                return refuse(name + " has " + std::to_string(a.ints_size()) + " values for " + std::to_string(spatial) + " spatial dimension" +
                              (spatial == 1 ? "" : "s") + " (expected " + std::to_string(want) + ")");
            for (int64_t v : a.ints())
                if (v < (positive ? 1 : 0) || v > kMaxWindow)
                    return refuse(name + " holds " + std::to_string(v) + "; each must be " + (positive ? "at least 1" : "at least 0") +
                                  " and at most " + std::to_string(kMaxWindow));
        }
    }
    return Status::success();
}

// OpenCV 4.6 copies product(dims) elements out of a tensor's data without comparing that with
// the bytes the tensor holds (a heap over-read, found by fuzz_onnx): every initializer and
// Constant value must hold exactly what its dims and data type say.
Status checkTensorData(const onnx::ModelProto& m, const std::string& label) {
    const auto check = [&](const onnx::TensorProto& t, const std::string& what) -> Status {
        const auto refuse = [&](const std::string& why) { return fail(label + ": " + what + " '" + t.name() + "': " + why); };
        for (int64_t d : t.dims())
            if (d < 0) return refuse("a negative dimension");
        const uint64_t n = cappedProduct(t.dims(), 1, uint64_t(1) << 40);
        size_t element = 0;
        int typed = -1;  // elements in the typed field that holds this data type
        switch (t.data_type()) {
            case onnx::TensorProto::FLOAT: element = 4, typed = t.float_data_size(); break;
            case onnx::TensorProto::DOUBLE: element = 8, typed = t.double_data_size(); break;
            case onnx::TensorProto::INT64: element = 8, typed = t.int64_data_size(); break;
            case onnx::TensorProto::UINT64: element = 8, typed = t.uint64_data_size(); break;
            case onnx::TensorProto::UINT32: element = 4, typed = t.uint64_data_size(); break;
            case onnx::TensorProto::INT32: element = 4, typed = t.int32_data_size(); break;
            case onnx::TensorProto::INT16:
            case onnx::TensorProto::UINT16:
            case onnx::TensorProto::FLOAT16:
            case onnx::TensorProto::BFLOAT16: element = 2, typed = t.int32_data_size(); break;
            case onnx::TensorProto::INT8:
            case onnx::TensorProto::UINT8:
            case onnx::TensorProto::BOOL: element = 1, typed = t.int32_data_size(); break;
            default: return refuse("data type " + std::to_string(t.data_type()) + " is not one OpenCV DNN reads");
        }
        if (t.data_location() == onnx::TensorProto::EXTERNAL) return refuse("its data is in an external file");
        if (t.has_raw_data()) {
            if (t.raw_data().size() != n * element)
                return refuse("dims say " + std::to_string(n * element) + " bytes, it holds " + std::to_string(t.raw_data().size()));
        } else if (static_cast<uint64_t>(typed) != n) {
            return refuse("dims say " + std::to_string(n) + " values, it holds " + std::to_string(typed));
        }
        return Status::success();
    };
    for (const auto& t : m.graph().initializer())
        if (Status s = check(t, "initializer"); !s) return s;
    for (const auto& n : m.graph().node())
        for (const auto& a : n.attribute())
            if (a.has_t())
                if (Status s = check(a.t(), "node '" + n.name() + "' (" + n.op_type() + ") tensor"); !s) return s;
    return Status::success();
}

// The batch the graph's input is fixed to (a graph exported without a dynamic batch), or 0.
int64_t staticBatch(const onnx::ModelProto& m) {
    std::set<std::string> initializers;
    for (const auto& t : m.graph().initializer()) initializers.insert(t.name());
    for (const auto& in : m.graph().input()) {
        if (initializers.count(in.name())) continue;
        const auto& shape = in.type().tensor_type().shape();
        return shape.dim_size() > 0 && shape.dim(0).has_dim_value() && shape.dim(0).dim_value() > 0 ? shape.dim(0).dim_value() : 0;
    }
    return 0;
}

}  // namespace

struct OpenCvOnnxModel::Impl {
    std::mutex mutex;
    cv::dnn::Net net;
    int64_t batch = 0;  ///< > 0: run in chunks of exactly this many
    std::map<std::vector<int64_t>, uint64_t> activationBytes;  ///< per input shape, under `mutex`
};

namespace {

std::atomic<uint64_t> g_activationBudget{4ull << 30};

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

}  // namespace

uint64_t OpenCvOnnxModel::activationBudget() { return g_activationBudget.load(); }
void OpenCvOnnxModel::setActivationBudget(uint64_t bytes) { g_activationBudget.store(bytes); }

// OpenCV computes every layer's output shape before it allocates (the same computation its
// forward() starts with): summing them in 64 bits catches a Pad, Resize, Tile or Reshape
// that would make a tensor far larger than the image — memory exhausted, or OpenCV's own
// int element counts overflowing — while it is still a number.
Result<uint64_t> OpenCvOnnxModel::activationBytes(const std::vector<int64_t>& shape) const {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    if (auto it = m_impl->activationBytes.find(shape); it != m_impl->activationBytes.end()) return it->second;
    cv::dnn::MatShape input;
    for (int64_t d : shape) {
        if (d <= 0 || d > std::numeric_limits<int>::max()) return fail(m_label + ": input dimension " + std::to_string(d) + " out of range");
        input.push_back(static_cast<int>(d));
    }
    std::vector<int> ids;
    std::vector<std::vector<cv::dnn::MatShape>> ins, outs;
    try {
        m_impl->net.getLayersShapes(input, ids, ins, outs);
    } catch (const cv::Exception&) {
        // Some graphs' shapes follow only from the data (OpenCV 4.6 cannot infer them without
        // a forward pass, e.g. a Gemm fed by a reshaped input): nothing to check here, and
        // forward() reports what it cannot run.
        m_impl->activationBytes[shape] = 0;
        return uint64_t{0};
    }
    constexpr uint64_t kAbsurd = 1ull << 46;  // far past any budget, and no overflow below it
    uint64_t total = 0, largest = 0;
    size_t largestLayer = 0;
    for (size_t i = 0; i < outs.size(); ++i) {
        uint64_t layer = 0;
        for (const auto& s : outs[i]) {
            for (int d : s)
                if (d < 0) return fail(m_label + ": layer '" + m_impl->net.getLayer(ids[i])->name + "' gets a negative dimension");
            layer = std::min(layer + cappedProduct(s, sizeof(float), kAbsurd), kAbsurd);
        }
        if (layer > largest) largest = layer, largestLayer = i;
        total = std::min(total + layer, kAbsurd);
    }
    if (total > activationBudget()) {
        const auto layer = m_impl->net.getLayer(ids[largestLayer]);
        return fail(m_label + ": the graph's intermediate tensors need " + mib(total) + " for an input of " + shapeList(shape) +
                    " (layer '" + layer->name + "' (" + layer->type + ") alone " + mib(largest) + "), over the " +
                    mib(activationBudget()) + " this program allows for one forward pass");
    }
    m_impl->activationBytes[shape] = total;
    return total;
}

OpenCvOnnxModel::OpenCvOnnxModel(std::string label, ModelInfo info, std::shared_ptr<Impl> impl)
    : m_label(std::move(label)), m_info(std::move(info)), m_impl(std::move(impl)) {}

Result<std::shared_ptr<const OpenCvOnnxModel>> OpenCvOnnxModel::load(const std::string& label, const std::string& folded, const ModelInfo& info) {
    // Errors reach the user as our one-line messages; OpenCV's own log lines would add others.
    static std::once_flag quiet;
    std::call_once(quiet, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
    onnx::ModelProto m;
    if (!m.ParseFromString(folded)) return fail(label + ": not an ONNX model (protobuf does not parse)");
    if (Status s = checkTensorData(m, label); !s) return s.error();
    if (Status s = checkWindowAttributes(m, label); !s) return s.error();
    bool changed = foldShapeArithmetic(m);
    changed = transposeGemmWeights(m) || changed;
    if (kInstanceNormGetsBatchNormEpsilon) changed = cancelInstanceNormEpsilon(m) || changed;
    std::string rewritten;
    if (changed && !m.SerializeToString(&rewritten)) return fail(label + ": the graph could not be serialized for OpenCV");
    const std::string& graph = changed ? rewritten : folded;
    auto impl = std::make_shared<Impl>();
    impl->batch = staticBatch(m);
    try {
        impl->net = cv::dnn::readNetFromONNX(graph.data(), graph.size());
        impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        // Layer fusion re-associates the arithmetic (conv + scale + activation in one pass); unfused
        // layers stay closer to the op-by-op FP32 reference the metrics are compared with.
        impl->net.enableFusion(false);
    } catch (const cv::Exception& e) {
        return fail(label + ": OpenCV DNN cannot load the graph: " + e.msg);
    }
    if (impl->net.empty()) return fail(label + ": OpenCV DNN loaded an empty network");
    return std::make_shared<const OpenCvOnnxModel>(label, info, std::move(impl));
}

Result<std::shared_ptr<const Model>> OpenCvOnnxModel::withWeights(const StateDict&) const {
    return fail(describe() + ": an ONNX graph run by OpenCV has no weights to replace");
}

Result<at::Tensor> OpenCvOnnxModel::run(const at::Tensor& x) const {
    if (x.dim() == 0) return fail(m_label + ": the input has no batch dimension");
    std::vector<int64_t> one(x.sizes().begin(), x.sizes().end());
    int64_t batch = m_impl->batch;
    one[0] = batch > 0 ? batch : 1;
    auto bytes = activationBytes(one);  // refuses a graph too big for one image (or its fixed batch)
    if (!bytes) return bytes.error();
    // A dynamic batch runs in chunks whose tensors fit the budget.
    if (batch == 0 && *bytes > 0 && static_cast<uint64_t>(x.size(0)) * *bytes > activationBudget())
        batch = static_cast<int64_t>(std::max<uint64_t>(1, activationBudget() / *bytes));
    if (batch > 0 && x.size(0) > batch && m_impl->batch == 0) {
        std::vector<at::Tensor> outs;
        for (int64_t s = 0; s < x.size(0); s += batch) {
            auto y = runBatch(x.narrow(0, s, std::min(batch, x.size(0) - s)));
            if (!y) return y.error();
            outs.push_back(*y);
        }
        return at::cat(outs);
    }
    if (m_impl->batch > 0 && x.size(0) != batch) {
        // A graph made for a fixed batch runs in chunks of it (the last one padded).
        std::vector<at::Tensor> outs;
        for (int64_t s = 0; s < x.size(0); s += batch) {
            const int64_t k = std::min(batch, x.size(0) - s);
            at::Tensor chunk = x.narrow(0, s, k);
            if (k < batch) {
                std::vector<int64_t> repeat(static_cast<size_t>(chunk.dim()), 1);
                repeat[0] = batch - k;
                chunk = at::cat({chunk, chunk.narrow(0, k - 1, 1).repeat(repeat)});
            }
            auto y = runBatch(chunk);
            if (!y) return y.error();
            outs.push_back(y->narrow(0, 0, k));
        }
        return at::cat(outs);
    }
    return runBatch(x);
}

Result<at::Tensor> OpenCvOnnxModel::runBatch(const at::Tensor& x) const {
    const at::Tensor in = x.to(at::kFloat).contiguous();
    std::vector<int> dims(in.sizes().begin(), in.sizes().end());
    try {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        // OpenCV reads the blob during forward(); `in` outlives the call.
        cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, const_cast<void*>(in.data_ptr()));
        m_impl->net.setInput(blob);
        const cv::Mat out = m_impl->net.forward();
        std::vector<int64_t> shape(out.size.p, out.size.p + out.dims);
        if (!out.isContinuous() || out.type() != CV_32F) return fail(m_label + ": OpenCV DNN returned a non-float or strided output");
        return at::from_blob(const_cast<uchar*>(out.data), shape, at::kFloat).clone();
    } catch (const cv::Exception& e) {
        return fail(m_label + ": OpenCV DNN failed: " + e.msg);
    }
}

at::Tensor OpenCvOnnxModel::forwardNative(const at::Tensor& x) const {
    auto y = run(x);
    if (!y) throw std::runtime_error(y.error().message);
    return *y;
}

}  // namespace pareto
