// SPDX-License-Identifier: Apache-2.0
#pragma once
// Clip-range calibration of one block of weights: min-max, percentile, MSE search.
// Scalar and shared by both kernel paths (calibration is a definition, not a hot loop:
// the fast path only takes over for min-max).

#include "quant/quantscheme.h"

#include <cstdint>
#include <vector>

namespace pareto::detail {

/// MSE clip search grid: ratios 1 - k * (1 - kMseMinRatio) / kMseSteps, k = 0..kMseSteps
/// (1.0, 0.995, ..., 0.5), applied to the min-max range. Ties keep the larger ratio.
inline constexpr int kMseSteps = 100;
inline constexpr double kMseMinRatio = 0.5;

/// A block's clip range. Symmetric schemes use hi as the magnitude (lo = -hi).
struct ClipRange {
    float lo = 0.0f;
    float hi = 0.0f;
};

/// Percentile p (0..100) of `values` with numpy's default "linear" interpolation
/// (position p/100 * (n-1) between order statistics, numpy >= 1.22 lerp). Reorders values.
/// Empty input gives 0.
float percentileLinear(std::vector<float>& values, double p);

/// The clip range of the n values at x for an Integer scheme (any ClipMethod).
/// Symmetric: hi = max|x| (min-max), the p-th percentile of |x|, or the MSE-best ratio of
/// max|x|; a percentile of 0 falls back to max|x| so a sparse row keeps its few values.
/// Asymmetric: lo/hi = min/max, percentiles (100-p, p), or the MSE-best common ratio.
/// `scratch` is reused between calls. Input must be finite.
ClipRange calibrateBlock(const float* x, int64_t n, const QuantScheme& s, std::vector<float>& scratch);

}  // namespace pareto::detail
