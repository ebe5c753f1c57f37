// SPDX-License-Identifier: Apache-2.0
#pragma once
// golden/: an input batch, the outputs the desktop computed for it, and the tolerance.

#include "common/result.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace pareto {

/// Largest |model.pt(input) - expected| over all output values that still passes, for a
/// float32 input computed in float32 (CPU, or CUDA with TF32 off). Same-machine runs agree to
/// ~1e-7; other CPUs and GPUs reorder sums (up to ~1e-5 seen for such small nets).
inline constexpr double kGoldenMaxAbsError = 1e-4;
/// Images in the golden batch (the first ones of the evaluation set).
inline constexpr int kGoldenImages = 8;

/// @brief The golden batch. Value type.
struct GoldenSet {
    at::Tensor input;           ///< [K, C, H, W] float32, in the model's input range
    at::Tensor reconstruction;  ///< [K, C, H, W] float32, forward(input) as the desktop computed it (output range)
    at::Tensor mu;              ///< the latent of encode(input), [K, L] or [K, C, h, w]; undefined for a forward-only model
    std::vector<std::string> ids;  ///< dataset ids of the K images
    double maxAbsError = kGoldenMaxAbsError;

    /// Writes golden/input.safetensors, golden/expected.safetensors and golden/tolerance.json
    /// under `packageDir` (the golden/ folder is created).
    Status write(const std::string& packageDir) const;
    /// Reads them back (validating safetensors reader); errors name the file.
    static Result<GoldenSet> read(const std::string& packageDir);
};

}  // namespace pareto
