// SPDX-License-Identifier: Apache-2.0
#pragma once
// Statistics of a model's latent means over a calibration set: the expensive half of a PCA
// truncation. Collect once (worker thread), then fold any k instantly (pcafold.h).

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "model/model.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Mean, covariance and principal directions of mu = encode(x) over a data set.
///
/// Value type: tensors are float64 on CPU, owned (cloned), never shared with a model.
struct LatentStatistics {
    int64_t latentDim = 0;       ///< L
    int64_t n = 0;               ///< calibration images
    std::string dataIdentity;    ///< Dataset::identity of the calibration images
    at::Tensor mean;             ///< [L] float64
    at::Tensor covariance;       ///< [L, L] float64, sample covariance (divides by n - 1)
    at::Tensor eigenvalues;      ///< [L] float64, descending (variance along each component)
    at::Tensor components;       ///< [L, L] float64: column j is the j-th principal direction

    /// Fraction of the total variance of mu in the top k components, k in [0, L]
    /// (1 when the total is 0). NaN for k outside [0, L].
    double explainedVariance(int64_t k) const;
    /// explainedVariance(k) for k = 1..L.
    std::vector<double> explainedVarianceCurve() const;
};

/// Statistics of `mu` [N, L] (any floating dtype), the principal directions from our own
/// Jacobi eigen-solver (symmetriceigen.h). Errors: fewer than 2 rows, non-finite values.
Result<LatentStatistics> latentStatisticsFromSamples(const at::Tensor& mu, const std::string& dataIdentity = {});

/// Runs model.encode over `data` in batches (no autograd; a spatial latent [N, C, h, w]
/// contributes the C-vector of every position, so n counts positions) and accumulates the mean and the
/// centred cross-products in float64 (batches merged with Chan et al.'s pairwise update, so
/// no large sum is squared). Cancellable per batch. Errors name the data and the problem.
/// A codebook latent's statistics are those of its K code vectors (the model's Embedding tensor
/// of the latent's shape [K, L]), n = K:
/// the PCA a fold of the codebook needs, exact for every k >= the codes' affine rank.
Result<LatentStatistics> collectLatentStatistics(const Model& model, const Dataset& data, int batchSize = 256,
                                                 const ProgressSink& progress = {});

}  // namespace pareto
