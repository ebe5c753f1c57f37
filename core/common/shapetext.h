// SPDX-License-Identifier: Apache-2.0
#pragma once
// Tensor shapes in messages, in the two forms they take there, and a shape's element count
// that cannot wrap around.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// "[2, 3, 4]": a tensor's shape as a list (empty shape: "[]").
std::string shapeList(const std::vector<int64_t>& shape);

/// "3x64x64": an image or per-image shape (empty shape: "").
std::string shapeDims(const std::vector<int64_t>& shape);

/// The product of `shape` (non-negative dims) times `start`, stopping at `cap` instead of
/// wrapping around: a shape read from a file may claim more elements than any memory holds.
template <class Dims>
uint64_t cappedProduct(const Dims& shape, uint64_t start, uint64_t cap) {
    uint64_t n = start;
    for (auto d : shape) {
        const auto dim = static_cast<uint64_t>(d);
        n = dim != 0 && n > cap / dim ? cap : n * dim;
    }
    return n;
}

}  // namespace pareto
