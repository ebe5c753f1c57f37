// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/imagesource.h"

#include <ATen/core/Tensor.h>

namespace pareto::detail {

/// @brief Converts batches of images held at their own size to a model's input shape
/// (ImageConverter per image: gray <-> RGB, stretch resize). Immutable and thread-safe:
/// every call makes its own scratch space.
class BatchConverter {
public:
    BatchConverter(ImageShape source, ImageShape target) : m_source(source), m_target(target) {}

    const ImageShape& source() const { return m_source; }
    const ImageShape& target() const { return m_target; }
    /// images: float32 [N, C0, H0, W0] of source() -> float32 [N, C, H, W] of target().
    /// Throws std::runtime_error for a shape that does not match (a caller's bug).
    at::Tensor convert(const at::Tensor& images) const;

private:
    ImageShape m_source;
    ImageShape m_target;
};

}  // namespace pareto::detail
