#include "onnx/opencvonnxmodel.h"

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <stdexcept>

namespace pareto {

struct OpenCvOnnxModel::Impl {
    std::mutex mutex;
    cv::dnn::Net net;
};

OpenCvOnnxModel::OpenCvOnnxModel(std::string label, ModelInfo info, std::shared_ptr<Impl> impl)
    : m_label(std::move(label)), m_info(std::move(info)), m_impl(std::move(impl)) {}

Result<std::shared_ptr<const OpenCvOnnxModel>> OpenCvOnnxModel::load(const std::string& label, const std::string& folded, const ModelInfo& info) {
    auto impl = std::make_shared<Impl>();
    try {
        impl->net = cv::dnn::readNetFromONNX(folded.data(), folded.size());
        impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        // Layer fusion re-associates the arithmetic (conv + scale + activation in one pass); unfused
        // layers stay closer to the op-by-op FP32 reference the metrics are compared with.
        impl->net.enableFusion(false);
    } catch (const cv::Exception& e) {
        return fail(label + ": OpenCV DNN cannot load the folded graph: " + e.msg);
    }
    if (impl->net.empty()) return fail(label + ": OpenCV DNN loaded an empty network");
    return std::make_shared<const OpenCvOnnxModel>(label, info, std::move(impl));
}

Result<std::shared_ptr<const Model>> OpenCvOnnxModel::withWeights(const StateDict&) const {
    return fail(describe() + ": an ONNX graph run by OpenCV has no weights to replace");
}

Result<at::Tensor> OpenCvOnnxModel::run(const at::Tensor& x) const {
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
