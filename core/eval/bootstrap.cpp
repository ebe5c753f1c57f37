// SPDX-License-Identifier: Apache-2.0
#include "eval/bootstrap.h"

#include "eval/xoshiro256.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace pareto {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 0.975 quantiles of Student's t for dof 1..30 (computed with mpmath, 12 digits).
constexpr std::array<double, 30> kT975Table = {
    12.7062047362, 4.30265272975, 3.18244630528, 2.7764451052,  2.57058183564,
    2.44691185114, 2.36462425159, 2.3060041352,  2.2621571628,  2.22813885199,
    2.20098516009, 2.17881282967, 2.16036865646, 2.14478668792, 2.13144954556,
    2.11990529922, 2.10981557783, 2.10092204024, 2.09302405441, 2.08596344727,
    2.07961384473, 2.0738730679,  2.06865761042, 2.06389856163, 2.05953855275,
    2.05552943864, 2.05183051648, 2.0484071418,  2.04522964213, 2.0422724563};

// 0.975 quantile of the standard normal.
constexpr double kZ975 = 1.95996398454005424;

// Sums in index order so the result does not depend on the library's reduction order.
double plainMean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
}

bool allFinite(const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

namespace detail {

double quantileLinear(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return kNaN;
    const double pos = p * static_cast<double>(sorted.size() - 1);
    const size_t below = static_cast<size_t>(std::floor(pos));
    if (below + 1 >= sorted.size()) return sorted.back();
    const double frac = pos - static_cast<double>(below);
    return sorted[below] + frac * (sorted[below + 1] - sorted[below]);
}

}  // namespace detail

Estimate bootstrapMean(const std::vector<double>& values, int resamples, uint64_t seed) {
    Estimate e;
    e.n = static_cast<int64_t>(values.size());
    if (values.empty()) {
        e.mean = e.lo = e.hi = kNaN;
        return e;
    }
    e.mean = plainMean(values);
    // Sorting NaNs is undefined behaviour and an inf-based CI means nothing: no interval.
    if (!allFinite(values) || resamples < 1) {
        e.lo = e.hi = kNaN;
        return e;
    }
    if (values.size() == 1) {
        e.lo = e.hi = e.mean;
        return e;
    }

    detail::Xoshiro256 rng(seed);
    const uint64_t n = values.size();
    std::vector<double> means(static_cast<size_t>(resamples));
    for (double& m : means) {
        double sum = 0;
        for (uint64_t i = 0; i < n; ++i) sum += values[rng.index(n)];
        m = sum / static_cast<double>(n);
    }
    std::sort(means.begin(), means.end());
    e.lo = detail::quantileLinear(means, kCiLowerQuantile);
    e.hi = detail::quantileLinear(means, kCiUpperQuantile);
    return e;
}

DeltaEstimate pairedDelta(const std::vector<double>& base, const std::vector<double>& other,
                          int resamples, uint64_t seed) {
    DeltaEstimate d;
    if (base.size() != other.size()) {
        d.estimate = {kNaN, kNaN, kNaN, 0};
        return d;
    }
    std::vector<double> diff(base.size());
    for (size_t i = 0; i < base.size(); ++i) diff[i] = other[i] - base[i];
    d.estimate = bootstrapMean(diff, resamples, seed);
    // NaN bounds compare false both ways: never significant.
    d.significant = d.estimate.lo > 0 || d.estimate.hi < 0;
    return d;
}

double tQuantile975(int64_t dof) {
    if (dof < 1) return kNaN;
    if (dof <= static_cast<int64_t>(kT975Table.size())) return kT975Table[static_cast<size_t>(dof - 1)];
    // Cornish-Fisher expansion of t in powers of 1/dof around the normal quantile
    // (Abramowitz & Stegun 26.7.5); beyond 30 dof its error is below 1e-6.
    const double z = kZ975, z2 = z * z;
    const double z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    const double g1 = (z3 + z) / 4;
    const double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    const double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    const double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
    const double v = static_cast<double>(dof);
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

Estimate tMeanCI(const std::vector<double>& values) {
    Estimate e;
    e.n = static_cast<int64_t>(values.size());
    if (values.empty()) {
        e.mean = e.lo = e.hi = kNaN;
        return e;
    }
    e.mean = plainMean(values);
    if (values.size() == 1) {
        e.lo = e.hi = e.mean;
        return e;
    }
    double ss = 0;
    for (double x : values) ss += (x - e.mean) * (x - e.mean);
    const double sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    const double halfWidth = tQuantile975(e.n - 1) * sd / std::sqrt(static_cast<double>(values.size()));
    e.lo = e.mean - halfWidth;
    e.hi = e.mean + halfWidth;
    return e;
}

}  // namespace pareto
