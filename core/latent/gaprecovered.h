// SPDX-License-Identifier: Apache-2.0
#pragma once
// How much of the PCA-to-scratch gap a distilled student closes.

#include "eval/bootstrap.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief gap recovered = (mse_pca - mse_student) / (mse_pca - mse_scratch), from per-image
/// MSEs on the same held-out images: 0 = no better than the PCA fold it started from,
/// 1 = as good as a model trained from scratch at k, > 1 better than that, < 0 worse than
/// the fold. mse_scratch is, per image, the mean over the scratch models given (seeds).
struct GapRecovered {
    int64_t n = 0;                 ///< images
    int scratchModels = 0;
    double msePca = 0, mseStudent = 0, mseScratch = 0;  ///< means over the images
    /// Point estimate and a 95 % percentile bootstrap CI over images (the three means
    /// recomputed on each resample; the kBootstrapSeed stream, 1000 resamples).
    Estimate recovered;
    /// False when mse_pca <= mse_scratch (no gap to recover: the fold is already as good) or
    /// the inputs are empty/mismatched; `recovered` is NaN then and `note` says why.
    bool defined = false;
    std::string note;
};

/// Per-image MSE vectors of the PCA fold, the student and each scratch model, all on the
/// same images in the same order.
GapRecovered gapRecovered(const std::vector<double>& pcaMse, const std::vector<double>& studentMse,
                          const std::vector<std::vector<double>>& scratchMse, int resamples = kBootstrapResamples,
                          uint64_t seed = kBootstrapSeed);

}  // namespace pareto
