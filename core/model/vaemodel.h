#pragma once

#include "common/statedict.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief What a model is, for `inspect` and the Model panel.
struct ModelInfo {
    std::string arch;          ///< "tinyvae" or "torchscript"
    int64_t latentDim = 0;     ///< L
    std::vector<int64_t> inputShape;  ///< [C, H, W]
    int64_t params = 0;        ///< floating-point parameters
    int64_t fp32Bytes() const { return 4 * params; }
};

/// @brief A VAE that can be measured: deterministic encode to mu, decode.
///
/// Implementations are immutable after construction and safe to call from one worker
/// thread at a time. Inputs are NCHW float32 in [0, 1] (or the model's own range).
class VaeModel {
public:
    virtual ~VaeModel() = default;
    virtual ModelInfo info() const = 0;
    /// mu of q(z|x): [N, L]. No sampling: measurement is deterministic.
    virtual at::Tensor encodeMu(const at::Tensor& x) const = 0;
    virtual at::Tensor decode(const at::Tensor& z) const = 0;
    /// decode(encodeMu(x)), without autograd.
    virtual at::Tensor reconstruct(const at::Tensor& x) const;
};

}  // namespace pareto
