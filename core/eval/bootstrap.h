// SPDX-License-Identifier: Apache-2.0
#pragma once
// Confidence intervals for dataset figures. Everything here is deterministic: the same
// inputs and seed give bit-identical results on every platform.

#include <cstdint>
#include <vector>

namespace pareto {

/// @brief A mean with its 95 % confidence interval over n samples.
struct Estimate {
    double mean = 0;
    double lo = 0;
    double hi = 0;
    int64_t n = 0;
};

/// @brief A paired difference (other - base) with its CI; significant when the CI excludes 0.
struct DeltaEstimate {
    Estimate estimate;
    bool significant = false;
};

inline constexpr int kBootstrapResamples = 1000;
inline constexpr uint64_t kBootstrapSeed = 0x9E3779B97F4A7C15ull;
/// Two-sided 95 %: the CI bounds are these quantiles of the bootstrap distribution.
inline constexpr double kCiLowerQuantile = 0.025;
inline constexpr double kCiUpperQuantile = 0.975;

/// Percentile bootstrap (2.5 / 97.5 %) of the mean; deterministic for a given seed on
/// every platform (own PRNG, xoshiro256** seeded by splitmix64, unbiased rejection indices,
/// no std distributions). Each resample draws n indices with replacement and takes the mean;
/// lo/hi are the 2.5 / 97.5 % quantiles of the resample means with linear interpolation
/// between order statistics (numpy's default "linear" method).
/// n == 0: mean = lo = hi = NaN. n == 1: lo = hi = mean. resamples < 1: lo = hi = NaN.
/// Any non-finite value: mean is the plain mean (NaN/inf), lo = hi = NaN.
Estimate bootstrapMean(const std::vector<double>& values, int resamples = kBootstrapResamples,
                       uint64_t seed = kBootstrapSeed);

/// Paired delta other[i] - base[i] with a bootstrap CI (same resampling indices scheme):
/// exactly bootstrapMean of the differences. significant = lo > 0 || hi < 0.
/// Mismatched lengths are a caller bug: the result is all NaN, n = 0, not significant
/// (no assert, so release builds cannot report a bogus delta either).
DeltaEstimate pairedDelta(const std::vector<double>& base, const std::vector<double>& other,
                          int resamples = kBootstrapResamples, uint64_t seed = kBootstrapSeed);

/// Mean with a Student-t 95 % CI (for small samples such as seeds), n - 1 degrees of freedom,
/// sample standard deviation. n == 0: all NaN. n == 1: lo = hi = mean.
Estimate tMeanCI(const std::vector<double>& values);

/// 0.975 quantile of Student's t with `dof` degrees of freedom (two-sided 95 %): exact table
/// for dof <= 30, Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5) beyond, error < 1e-6.
/// dof < 1 gives NaN.
double tQuantile975(int64_t dof);

namespace detail {
/// Quantile p in [0, 1] of ascending `sorted` with linear interpolation at position
/// p * (n - 1) (numpy's default). Empty input gives NaN.
double quantileLinear(const std::vector<double>& sorted, double p);
}  // namespace detail

}  // namespace pareto
