#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief A set of images ready for a model: float32 NCHW in [0, 1], RGB channel order.
struct Dataset {
    at::Tensor images;               ///< [N, C, H, W] float32, contiguous
    std::vector<std::string> ids;    ///< one per image: file name or "<file>#<index>"
    std::string identity;            ///< spec + split + count, e.g. "fashion-mnist:/usr/... split=test n=500"
    std::vector<std::string> notes;  ///< conversions applied ("resized 28x28 -> 64x64 (bilinear)", ...)

    int64_t size() const { return images.defined() ? images.size(0) : 0; }
};

}  // namespace pareto
