// SPDX-License-Identifier: Apache-2.0
#pragma once
// encoder.onnx and decoder.onnx run as one model, with the step the device runs between them:
// what the validation measures when a package has no model.onnx (a VQ-VAE's pair).

#include "model/model.h"
#include "model/opencvonnxmodel.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

namespace pareto {

/// @brief x -> decoder(step(encoder(x))), each file run by OpenCV DNN; the step is the
/// nearest-code lookup when a codebook [K, L] is given (nearestCodeVectors), else the
/// identity. Immutable; any thread (the nets serialize their own calls).
class OnnxPairModel : public Model {
public:
    OnnxPairModel(std::shared_ptr<const OpenCvOnnxModel> encoder, std::shared_ptr<const OpenCvOnnxModel> decoder, at::Tensor codebook,
                  ModelInfo info);

    ModelInfo info() const override { return m_info; }
    std::vector<ModelTensor> tensors() const override { return {}; }
    Result<std::shared_ptr<const Model>> withWeights(const StateDict&) const override;
    at::Tensor encodeNative(const at::Tensor& x) const override { return m_encoder->forwardNative(x); }
    /// The step, then decoder.onnx.
    at::Tensor decodeNative(const at::Tensor& z) const override;
    std::string describe() const override;

    /// What the device feeds decoder.onnx for encoder output z: z itself or its nearest codes.
    at::Tensor betweenStep(const at::Tensor& z) const;

private:
    std::shared_ptr<const OpenCvOnnxModel> m_encoder, m_decoder;
    at::Tensor m_codebook;
    ModelInfo m_info;
};

}  // namespace pareto
