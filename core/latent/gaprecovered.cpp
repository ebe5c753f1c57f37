// SPDX-License-Identifier: Apache-2.0
#include "latent/gaprecovered.h"

#include "eval/xoshiro256.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pareto {
namespace {

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
}

}  // namespace

GapRecovered gapRecovered(const std::vector<double>& pcaMse, const std::vector<double>& studentMse,
                          const std::vector<std::vector<double>>& scratchMse, int resamples, uint64_t seed) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    GapRecovered g;
    g.recovered = {nan, nan, nan, 0};
    const size_t n = pcaMse.size();
    g.n = static_cast<int64_t>(n);
    g.scratchModels = static_cast<int>(scratchMse.size());
    bool sizesOk = n > 0 && studentMse.size() == n && !scratchMse.empty();
    for (const auto& s : scratchMse) sizesOk = sizesOk && s.size() == n;
    if (!sizesOk) {
        g.note = scratchMse.empty() ? "no model trained from scratch at this k to compare with"
                                    : "per-image MSEs are empty or of different lengths";
        return g;
    }
    std::vector<double> scratch(n, 0.0);
    for (const auto& s : scratchMse)
        for (size_t i = 0; i < n; ++i) scratch[i] += s[i] / static_cast<double>(scratchMse.size());

    g.msePca = mean(pcaMse);
    g.mseStudent = mean(studentMse);
    g.mseScratch = mean(scratch);
    g.recovered.n = g.n;
    if (!(g.msePca > g.mseScratch)) {
        g.note = "the PCA fold is already as good as the scratch model (no gap to recover)";
        return g;
    }
    g.defined = true;
    g.recovered.mean = (g.msePca - g.mseStudent) / (g.msePca - g.mseScratch);

    // Paired over images: the same resampled indices for the three models.
    detail::Xoshiro256 rng(seed);
    std::vector<double> ratios;
    ratios.reserve(static_cast<size_t>(std::max(0, resamples)));
    for (int r = 0; r < resamples; ++r) {
        double p = 0, s = 0, c = 0;
        for (size_t i = 0; i < n; ++i) {
            const size_t j = static_cast<size_t>(rng.index(n));
            p += pcaMse[j];
            s += studentMse[j];
            c += scratch[j];
        }
        // Means share the 1/n factor, so the ratio of sums is the ratio of means.
        const double denom = p - c;
        ratios.push_back(denom != 0.0 ? (p - s) / denom : nan);
    }
    ratios.erase(std::remove_if(ratios.begin(), ratios.end(), [](double x) { return !std::isfinite(x); }), ratios.end());
    std::sort(ratios.begin(), ratios.end());
    g.recovered.lo = detail::quantileLinear(ratios, kCiLowerQuantile);
    g.recovered.hi = detail::quantileLinear(ratios, kCiUpperQuantile);
    return g;
}

}  // namespace pareto
