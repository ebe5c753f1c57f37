// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "model/model.h"

#include <ATen/core/Tensor.h>

#include <memory>

namespace pareto {

/// @brief A PCA truncation that runs between a model's encode and decode, for models whose
/// weights cannot take it folded (TorchScript, ONNX, spatial latents).
///
/// With basis B [L, k] and mean m [L]: encode(x) = B^T (base.encode(x) - m) in R^k and
/// decode(z') = base.decode(m + B z'). A spatial latent [C, h, w] is projected per position
/// (its C-vectors), giving [k, h, w]. The projection is part of the model: its tensors
/// `pca.basis` and `pca.mean` (FP32, never quantized) count in every size, so a projection
/// adds bytes and only narrows the latent code. Immutable; shares the base model read-only.
class ProjectedModel : public Model {
public:
    /// `mean` [L], `basis` [L, k] (any float dtype; stored as float32). Errors: a base that
    /// is not a VAE with a vector or spatial latent of size L.
    static Result<std::shared_ptr<const ProjectedModel>> create(std::shared_ptr<const Model> base, const at::Tensor& mean,
                                                                const at::Tensor& basis);

    ModelInfo info() const override;
    std::vector<ModelTensor> tensors() const override;
    Result<std::shared_ptr<const Model>> withWeights(const StateDict& weights) const override;
    at::Tensor encodeNative(const at::Tensor& x) const override;
    at::Tensor decodeNative(const at::Tensor& z) const override;

    LatentReductionSupport latentReductions() const override;
    std::string notTrainableReason() const override;
    std::vector<ExportArtifact> exportArtifacts() const override;
    std::string noTorchScriptReason() const override;
    std::string noOnnxReason() const override;
    Result<std::string> torchScriptArchive(ModelPrecision precision) const override;
    /// The base's encoder and decoder graphs with the projection between them (MatMul with
    /// `pca.basis` after the encoder, Gemm with its transpose + `pca.mean` before the decoder):
    /// for a base whose ONNX files include encoder.onnx and decoder.onnx.
    std::vector<OnnxGraphPart> onnxGraphParts() const override;
    Status buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const override;
    int onnxMaxOpset() const override { return m_base->onnxMaxOpset(); }
    std::string describe() const override;
    bool reentrant() const override { return m_base->reentrant(); }

    const Model& base() const { return *m_base; }
    int64_t k() const { return m_basis.size(1); }

private:
    ProjectedModel(std::shared_ptr<const Model> base, at::Tensor mean, at::Tensor basis);
    at::Tensor project(const at::Tensor& z) const;
    at::Tensor unproject(const at::Tensor& z) const;

    std::shared_ptr<const Model> m_base;
    at::Tensor m_mean;   ///< [L] float32
    at::Tensor m_basis;  ///< [L, k] float32
};

}  // namespace pareto
