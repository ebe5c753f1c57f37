// SPDX-License-Identifier: Apache-2.0
#include "latent/symmetriceigen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pareto {

Result<SymmetricEigen> symmetricEigen(const std::vector<double>& input, int64_t n) {
    if (n < 1) return fail("eigen-decomposition of an empty matrix");
    if (n > kMaxEigenDim) return fail("eigen-decomposition: " + std::to_string(n) + " x " + std::to_string(n) +
                                      " is larger than the supported " + std::to_string(kMaxEigenDim));
    if (static_cast<int64_t>(input.size()) != n * n) return fail("eigen-decomposition: matrix has the wrong number of entries");
    for (double v : input)
        if (!std::isfinite(v)) return fail("eigen-decomposition: matrix has non-finite entries");

    const size_t N = static_cast<size_t>(n);
    std::vector<double> a(N * N), v(N * N, 0.0);
    for (size_t i = 0; i < N; ++i)
        for (size_t j = 0; j < N; ++j) a[i * N + j] = 0.5 * (input[i * N + j] + input[j * N + i]);
    for (size_t i = 0; i < N; ++i) v[i * N + i] = 1.0;

    double total = 0;
    for (double x : a) total += x * x;
    const double tol = 1e-26 * std::max(total, 1e-300);  // (1e-13)^2 of ||A||_F^2

    SymmetricEigen out;
    out.n = n;
    constexpr int kMaxSweeps = 100;
    for (out.sweeps = 0; out.sweeps < kMaxSweeps; ++out.sweeps) {
        double off = 0;
        for (size_t i = 0; i < N; ++i)
            for (size_t j = i + 1; j < N; ++j) off += 2.0 * a[i * N + j] * a[i * N + j];
        if (off <= tol) break;
        for (size_t p = 0; p < N; ++p) {
            for (size_t q = p + 1; q < N; ++q) {
                const double apq = a[p * N + q];
                if (apq == 0.0) continue;
                // The rotation that zeroes a[p][q] (Golub & Van Loan, sym.schur2), the
                // smaller angle for stability.
                const double theta = (a[q * N + q] - a[p * N + p]) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (size_t k = 0; k < N; ++k) {  // A <- A J (columns p, q)
                    const double akp = a[k * N + p], akq = a[k * N + q];
                    a[k * N + p] = c * akp - s * akq;
                    a[k * N + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < N; ++k) {  // A <- J^T A (rows p, q)
                    const double apk = a[p * N + k], aqk = a[q * N + k];
                    a[p * N + k] = c * apk - s * aqk;
                    a[q * N + k] = s * apk + c * aqk;
                }
                a[p * N + q] = a[q * N + p] = 0.0;
                for (size_t k = 0; k < N; ++k) {  // V <- V J
                    const double vkp = v[k * N + p], vkq = v[k * N + q];
                    v[k * N + p] = c * vkp - s * vkq;
                    v[k * N + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    if (out.sweeps >= kMaxSweeps) return fail("eigen-decomposition did not converge in " + std::to_string(kMaxSweeps) + " sweeps");

    std::vector<size_t> order(N);
    std::iota(order.begin(), order.end(), size_t(0));
    // Stable: equal eigenvalues keep their index order, so the result is deterministic.
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return a[x * N + x] > a[y * N + y]; });
    out.values.resize(N);
    out.vectors.assign(N * N, 0.0);
    for (size_t j = 0; j < N; ++j) {
        const size_t src = order[j];
        out.values[j] = a[src * N + src];
        size_t big = 0;
        for (size_t i = 1; i < N; ++i)
            if (std::fabs(v[i * N + src]) > std::fabs(v[big * N + src])) big = i;
        const double sign = v[big * N + src] < 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < N; ++i) out.vectors[i * N + j] = sign * v[i * N + src];
    }
    return out;
}

}  // namespace pareto
