#pragma once

#include "common/result.h"
#include "common/statedict.h"
#include "model/vaemodel.h"

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
/// The weights are the model: a compressed variant is another TinyVae over another
/// (deep-copied) StateDict, never a shared module. Immutable; thread-compatible.
class TinyVae : public VaeModel {
public:
    using ShapeList = std::vector<std::pair<std::string, std::vector<int64_t>>>;

    /// Parameter names and shapes in SAGE's order.
    static ShapeList expectedShapes(const TinyVaeConfig& config);

    /// Reads C and L from the tensors, then checks every name and shape. Errors say which
    /// tensor is missing, unexpected or of the wrong shape. Tensors become float32.
    static Result<TinyVaeConfig> inferConfig(const StateDict& weights);
    static Result<TinyVae> fromStateDict(const StateDict& weights);

    /// PyTorch's default initialisation (kaiming-uniform a=sqrt(5), GroupNorm 1/0), seeded.
    static TinyVae randomInit(const TinyVaeConfig& config, uint64_t seed);

    TinyVae(TinyVaeConfig config, StateDict weights);

    ModelInfo info() const override;
    at::Tensor encodeMu(const at::Tensor& x) const override;
    at::Tensor decode(const at::Tensor& z) const override;

    /// mu and logvar, with autograd if the weights require grad (training).
    std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& x) const;

    const TinyVaeConfig& config() const { return m_config; }
    const StateDict& weights() const { return m_weights; }

private:
    at::Tensor features(const at::Tensor& x) const;
    at::Tensor w(const char* name) const;

    TinyVaeConfig m_config;
    StateDict m_weights;
};

}  // namespace pareto
