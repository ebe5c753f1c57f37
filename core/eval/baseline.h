// SPDX-License-Identifier: Apache-2.0
#pragma once
// The mean-image baseline: the best constant prediction under MSE. A trained model that
// does not clearly beat it has learned nothing about individual images.

#include "data/dataset.h"

#include <ATen/core/Tensor.h>

namespace pareto {

/// Pixel-wise mean of `data.images` [C, H, W] float32, accumulated in float64.
/// Use the training split's mean to judge a test split. Undefined tensor for an empty dataset.
at::Tensor meanImageOf(const Dataset& data);

}  // namespace pareto
