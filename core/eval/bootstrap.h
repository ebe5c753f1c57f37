#pragma once

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

/// Percentile bootstrap (2.5 / 97.5 %) of the mean; deterministic for a given seed on
/// every platform (own PRNG, no std distributions). n < 2 gives lo = hi = mean.
Estimate bootstrapMean(const std::vector<double>& values, int resamples = kBootstrapResamples,
                       uint64_t seed = kBootstrapSeed);

/// Paired delta other[i] - base[i] with a bootstrap CI (same resampling indices scheme).
DeltaEstimate pairedDelta(const std::vector<double>& base, const std::vector<double>& other,
                          int resamples = kBootstrapResamples, uint64_t seed = kBootstrapSeed);

/// Mean with a Student-t 95 % CI (for small samples such as seeds).
Estimate tMeanCI(const std::vector<double>& values);

}  // namespace pareto
