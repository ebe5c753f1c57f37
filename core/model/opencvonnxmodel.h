// SPDX-License-Identifier: Apache-2.0
#pragma once
// A folded ONNX graph (see inspectOnnx) run by OpenCV's DNN module: an independent FP32
// implementation of the package's ONNX file, used by the exporter's validation and by
// `pareto verify` (ONNX is data: no --trust-code).

#include "common/result.h"
#include "model/model.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include <memory>
#include <mutex>
#include <string>

namespace pareto {

/// @brief One graph input -> one output, run with OpenCV DNN (CPU, FP32). Calls are
/// serialized by a mutex (cv::dnn::Net is not reentrant); any thread.
class OpenCvOnnxModel : public Model {
public:
    /// `folded`: the ONNX bytes without DequantizeLinear (OpenCV 4.6 has none). `info` is the
    /// model's (input shape and ranges; for an encoder or decoder file, what its ends are).
    /// Errors carry OpenCV's own message, prefixed with `label`.
    static Result<std::shared_ptr<const OpenCvOnnxModel>> load(const std::string& label, const std::string& folded, const ModelInfo& info);

    ModelInfo info() const override { return m_info; }
    std::vector<ModelTensor> tensors() const override { return {}; }
    Result<std::shared_ptr<const Model>> withWeights(const StateDict&) const override;
    /// The graph on `x` (float32, [N, ...]); throws std::runtime_error with OpenCV's message.
    at::Tensor forwardNative(const at::Tensor& x) const override;
    std::string describe() const override { return m_label + " (OpenCV DNN)"; }

    /// The graph on `x`, errors as values. A graph whose input has a fixed batch runs in
    /// chunks of it; another in chunks whose intermediate tensors fit activationBudget().
    /// A graph that needs more than the budget for one image is refused (naming its largest
    /// layer) before OpenCV allocates anything.
    Result<at::Tensor> run(const at::Tensor& x) const;

    /// Bytes of intermediate tensors one forward may need (an upper bound: every layer's
    /// outputs, as OpenCV reports their shapes, without reuse). 4 GiB unless set; the fuzz
    /// targets set less to stay inside their 2 GB limit. Process-wide; any thread.
    static uint64_t activationBudget();
    static void setActivationBudget(uint64_t bytes);

    struct Impl;
    OpenCvOnnxModel(std::string label, ModelInfo info, std::shared_ptr<Impl> impl);

private:
    Result<at::Tensor> runBatch(const at::Tensor& x) const;
    Result<uint64_t> activationBytes(const std::vector<int64_t>& shape) const;

    std::string m_label;
    ModelInfo m_info;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace pareto
