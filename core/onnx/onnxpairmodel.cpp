#include "onnx/onnxpairmodel.h"

#include "model/nearestcode.h"

#include <ATen/ATen.h>

namespace pareto {

OnnxPairModel::OnnxPairModel(std::shared_ptr<const OpenCvOnnxModel> encoder, std::shared_ptr<const OpenCvOnnxModel> decoder, at::Tensor codebook,
                             ModelInfo info)
    : m_encoder(std::move(encoder)), m_decoder(std::move(decoder)), m_codebook(std::move(codebook)), m_info(std::move(info)) {}

Result<std::shared_ptr<const Model>> OnnxPairModel::withWeights(const StateDict&) const {
    return fail(describe() + ": ONNX graphs run by OpenCV have no weights to replace");
}

at::Tensor OnnxPairModel::betweenStep(const at::Tensor& z) const {
    return m_codebook.defined() ? nearestCodeVectors(z.to(at::kFloat), m_codebook) : z;
}

at::Tensor OnnxPairModel::decodeNative(const at::Tensor& z) const { return m_decoder->forwardNative(betweenStep(z)); }

std::string OnnxPairModel::describe() const {
    return m_codebook.defined() ? "encoder.onnx -> nearest code -> decoder.onnx (OpenCV DNN)" : "encoder.onnx -> decoder.onnx (OpenCV DNN)";
}

}  // namespace pareto
