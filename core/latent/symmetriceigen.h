// SPDX-License-Identifier: Apache-2.0
#pragma once
// Eigen-decomposition of a small symmetric matrix (a latent covariance, L x L), computed by
// our own cyclic Jacobi rotations: deterministic and identical on every platform and LAPACK
// build (a Jetson's included), so a PCA fold gives the same weights everywhere.

#include "common/result.h"

#include <cstdint>
#include <vector>

namespace pareto {

/// @brief Eigenvalues (descending) and unit eigenvectors of a symmetric matrix.
struct SymmetricEigen {
    int64_t n = 0;
    std::vector<double> values;   ///< n eigenvalues, largest first
    /// n x n, row-major: column j (vectors[i * n + j], i = 0..n-1) is the eigenvector of
    /// values[j]. Sign convention: its component of largest magnitude is positive (the
    /// first such on a tie), so the result does not depend on rotation order.
    std::vector<double> vectors;
    int sweeps = 0;               ///< Jacobi sweeps used
};

/// Largest matrix symmetricEigen() accepts (Jacobi is O(n^3) per sweep).
inline constexpr int64_t kMaxEigenDim = 2048;

/// Cyclic Jacobi on `a` (n x n, row-major, symmetric up to rounding: the mean of a and a^T
/// is used). Converges when the off-diagonal Frobenius norm is below 1e-13 of the total, or
/// fails after 100 sweeps. Errors: n < 1, n > kMaxEigenDim, size mismatch, non-finite input.
Result<SymmetricEigen> symmetricEigen(const std::vector<double>& a, int64_t n);

}  // namespace pareto
