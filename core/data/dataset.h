// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pareto {

namespace detail {
class BatchConverter;
}

/// @brief A set of images for a model: float32 NCHW in [0, 1], RGB channel order, in the
/// model's input shape.
///
/// A set whose converted form is small is held converted; a larger one keeps its images at
/// their own size and converts each batch as it is asked for, so 10,000 Fashion-MNIST images
/// for a 224 x 224 model take 31 MB, not 6 GB. Either way batch() returns the same floats.
/// Copies share the images (immutable); any thread may read.
class Dataset {
public:
    Dataset() = default;
    /// Images already in the model's format [N, C, H, W] (tests, in-memory sets).
    static Dataset fromImages(at::Tensor images, std::vector<std::string> ids = {}, std::string identity = {});
    /// Images kept at their own size [N, C0, H0, W0] and converted per batch by `converter`.
    static Dataset converting(at::Tensor source, std::shared_ptr<const detail::BatchConverter> converter,
                              std::vector<std::string> ids = {}, std::string identity = {});

    int64_t size() const { return m_size; }
    /// [C, H, W] of the images batch() returns.
    std::vector<int64_t> shape() const { return m_shape; }
    /// True when the images are converted per batch (held at their own size).
    bool convertsPerBatch() const { return m_converter != nullptr; }
    /// Bytes of image data held in memory (what a converted batch adds is not counted).
    int64_t heldBytes() const;

    /// Images [start, start + count) as float32 [count, C, H, W], contiguous.
    at::Tensor batch(int64_t start, int64_t count) const;
    /// The images at `indices` (int64 tensor or list), in that order.
    at::Tensor select(const std::vector<int64_t>& indices) const;
    at::Tensor select(const at::Tensor& indices) const;
    /// Every image (all of them converted at once: for small sets and tests).
    at::Tensor all() const { return batch(0, m_size); }

    std::vector<std::string> ids;    ///< one per image: file name or "<file>#<index>"
    std::string identity;            ///< spec + split + count, e.g. "fashion-mnist:/usr/... split=test n=500"
    std::vector<std::string> notes;  ///< conversions applied ("resized 28x28 -> 64x64 (bilinear)", ...)

private:
    at::Tensor m_images;  ///< converted [N, C, H, W], or the source at its own size when m_converter is set
    std::shared_ptr<const detail::BatchConverter> m_converter;
    int64_t m_size = 0;
    std::vector<int64_t> m_shape;
};

}  // namespace pareto
