// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "latent/latentstatistics.h"

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace pareto {

/// @brief The top-k principal subspace of a latent: z' = basis^T (mu - mean) in R^k, and
/// back mu ~= mean + basis z'. Cheap to make from LatentStatistics; value type (float64, owned).
struct PcaProjection {
    int64_t latentDim = 0;          ///< L of the model it belongs to
    int64_t k = 0;                  ///< kept components, 1..L
    at::Tensor mean;                ///< [L] float64, the calibration mean of mu
    at::Tensor basis;               ///< [L, k] float64, orthonormal columns, largest variance first
    double explainedVariance = 0;   ///< fraction of mu's variance the k components keep

    /// Floats a stored projection holds: the basis (used as is to decode and transposed to
    /// encode, stored once) plus the mean, L * k + L.
    int64_t parameterCount() const { return latentDim * k + latentDim; }
};

/// The top-k components of `stats`. Errors: k outside [1, L], statistics without components.
Result<PcaProjection> pcaProjection(const LatentStatistics& stats, int64_t k);

}  // namespace pareto
