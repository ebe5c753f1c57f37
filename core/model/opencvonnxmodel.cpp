#include "model/opencvonnxmodel.h"

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/dnn.hpp>

#include <cmath>
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
};

OpenCvOnnxModel::OpenCvOnnxModel(std::string label, ModelInfo info, std::shared_ptr<Impl> impl)
    : m_label(std::move(label)), m_info(std::move(info)), m_impl(std::move(impl)) {}

Result<std::shared_ptr<const OpenCvOnnxModel>> OpenCvOnnxModel::load(const std::string& label, const std::string& folded, const ModelInfo& info) {
    // Errors reach the user as our one-line messages; OpenCV's own log lines would add others.
    static std::once_flag quiet;
    std::call_once(quiet, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
    onnx::ModelProto m;
    if (!m.ParseFromString(folded)) return fail(label + ": not an ONNX model (protobuf does not parse)");
    bool changed = transposeGemmWeights(m);
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
    const int64_t batch = m_impl->batch;
    if (batch > 0 && x.dim() > 0 && x.size(0) != batch) {
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
