// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "common/statedict.h"
#include "model/model.h"
#include "model/modelregistry.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

/// @brief Shape of a SAGE TinyVAE: input C x 64 x 64, latent L.
struct TinyVaeConfig {
    int64_t channels = 3;
    int64_t latentDim = 64;

    static constexpr int64_t kImageSize = 64;
    static constexpr int64_t kFeatureChannels = 64;  ///< channels after the encoder
    static constexpr int64_t kFeatureSize = 8;       ///< spatial size after the encoder
    static constexpr int64_t kFlat = kFeatureChannels * kFeatureSize * kFeatureSize;  // 4096

    /// 31,073 + 12,290 L for 3 channels; counted from the tensor shapes for any C.
    int64_t parameterCount() const;
    bool operator==(const TinyVaeConfig& o) const { return channels == o.channels && latentDim == o.latentDim; }
};

/// @brief SAGE's TinyVAE evaluated functionally over a StateDict with SAGE's names.
///
/// The weights are the model: a compressed variant is another TinyVae over other tensors,
/// never a shared module. Immutable; thread-compatible. Only core/model knows this type;
/// everything else sees a Model and its capabilities.
class TinyVae : public Model {
public:
    using ShapeList = std::vector<std::pair<std::string, std::vector<int64_t>>>;

    /// Parameter names and shapes in SAGE's order.
    static ShapeList expectedShapes(const TinyVaeConfig& config);

    /// Reads C and L from the tensors, then checks every name and shape. Errors say which
    /// tensor is missing, unexpected or of the wrong shape.
    static Result<TinyVaeConfig> inferConfig(const StateDict& weights);
    /// Tensors become float32 (no copy when they already are).
    static Result<TinyVae> fromStateDict(const StateDict& weights);

    /// PyTorch's default initialisation (kaiming-uniform a=sqrt(5), GroupNorm 1/0), seeded.
    static TinyVae randomInit(const TinyVaeConfig& config, uint64_t seed);

    /// The registry entry: recognised by SAGE's key names, created for `pareto train`.
    static Architecture architecture();

    TinyVae(TinyVaeConfig config, StateDict weights);

    ModelInfo info() const override;
    std::vector<ModelTensor> tensors() const override;
    Result<std::shared_ptr<const Model>> withWeights(const StateDict& weights) const override;
    at::Tensor encodeNative(const at::Tensor& x) const override;
    at::Tensor decodeNative(const at::Tensor& z) const override;

    LatentReductionSupport latentReductions() const override;
    Result<std::shared_ptr<const Model>> foldLatent(const at::Tensor& mean, const at::Tensor& basis) const override;
    bool trainable() const override { return true; }
    Result<TrainingLoss> trainingLoss(const at::Tensor& x, const TrainingOptions& options) const override;
    std::vector<ExportArtifact> exportArtifacts() const override;
    Result<std::string> torchScriptArchive(ModelPrecision precision) const override;
    std::vector<OnnxGraphPart> onnxGraphParts() const override;
    Status buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const override;
    std::vector<Activation> activations(bool* complete = nullptr) const override;
    std::string describe() const override;
    bool reentrant() const override { return true; }  ///< ATen ops over immutable tensors

    /// mu and logvar, with autograd if the weights require grad (training).
    std::pair<at::Tensor, at::Tensor> encodeMuLogvar(const at::Tensor& x) const;

    const TinyVaeConfig& config() const { return m_config; }
    const StateDict& weights() const { return m_weights; }

    /// TorchScript source of model.pt's methods (see torchScriptArchive): encode(x) -> (mu,
    /// logvar), decode(z), forward(x) -> decode(mu), features(x). TinyVae's arithmetic op for
    /// op; FP16 weights are cast to the input's dtype in each op.
    static std::string scriptSource(const TinyVaeConfig& config, ModelPrecision precision);

private:
    at::Tensor features(const at::Tensor& x) const;
    at::Tensor w(const char* name) const;

    TinyVaeConfig m_config;
    StateDict m_weights;
};

}  // namespace pareto
