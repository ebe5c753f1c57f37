// SPDX-License-Identifier: Apache-2.0
#pragma once
// Tensor shapes in messages, in the two forms they take there.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// "[2, 3, 4]": a tensor's shape as a list (empty shape: "[]").
std::string shapeList(const std::vector<int64_t>& shape);

/// "3x64x64": an image or per-image shape (empty shape: "").
std::string shapeDims(const std::vector<int64_t>& shape);

}  // namespace pareto
