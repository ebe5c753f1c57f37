// SPDX-License-Identifier: Apache-2.0
#include "quant/rangecalibrator.h"

#include "quant/quantmath.h"

#include <algorithm>
#include <cmath>

namespace pareto::detail {
namespace {

void minMax(const float* x, int64_t n, float& lo, float& hi) {
    lo = 0.0f;
    hi = 0.0f;
    if (n == 0) return;
    lo = hi = x[0];
    for (int64_t i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
}

float maxAbs(const float* x, int64_t n) {
    float m = 0.0f;
    for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
    return m;
}

// Squared error of quantizing the block with a candidate range, exactly as the kernels will.
double symmetricError(const float* x, int64_t n, float range, const QuantScheme& s) {
    const int qmax = s.qmax();
    const StoredScale sc = storeScale(symmetricRawScale(range, qmax), s.scaleDtype);
    if (!sc.ok) return INFINITY;
    double err = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const float d = x[i] - static_cast<float>(quantizeSymmetric(x[i], sc.value, qmax)) * sc.value;
        err += static_cast<double>(d) * static_cast<double>(d);
    }
    return err;
}

double asymmetricError(const float* x, int64_t n, float lo, float hi, const QuantScheme& s) {
    const StoredScale sc = storeScale(asymmetricRawScale(lo, hi, s.bits), s.scaleDtype);
    if (!sc.ok) return INFINITY;
    const int zp = asymmetricZeroPoint(lo, sc.value, s.bits);
    double err = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const float d = x[i] - static_cast<float>(quantizeAsymmetric(x[i], sc.value, zp, s.bits) - zp) * sc.value;
        err += static_cast<double>(d) * static_cast<double>(d);
    }
    return err;
}

double gridRatio(int k) { return 1.0 - k * (1.0 - kMseMinRatio) / kMseSteps; }

}  // namespace

float percentileLinear(std::vector<float>& v, double p) {
    const int64_t n = static_cast<int64_t>(v.size());
    if (n == 0) return 0.0f;
    const double pos = p / 100.0 * static_cast<double>(n - 1);
    const int64_t i = std::min<int64_t>(static_cast<int64_t>(std::floor(pos)), n - 1);
    const double t = pos - static_cast<double>(i);
    std::nth_element(v.begin(), v.begin() + i, v.end());
    const double a = v[static_cast<size_t>(i)];
    if (i + 1 >= n || t == 0.0) return static_cast<float>(a);
    const double b = *std::min_element(v.begin() + i + 1, v.end());
    // numpy's _lerp: from the nearer end, so t = 1 gives b exactly.
    const double diff = b - a;
    return static_cast<float>(t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t);
}

ClipRange calibrateBlock(const float* x, int64_t n, const QuantScheme& s, std::vector<float>& scratch) {
    ClipRange r;
    if (s.symmetric) {
        const float m = maxAbs(x, n);
        r.hi = m;
        if (s.clip == ClipMethod::Percentile) {
            scratch.resize(static_cast<size_t>(n));
            for (int64_t i = 0; i < n; ++i) scratch[static_cast<size_t>(i)] = std::fabs(x[i]);
            const float p = percentileLinear(scratch, s.percentile);
            if (p > 0.0f) r.hi = p;
        } else if (s.clip == ClipMethod::Mse && m > 0.0f) {
            double best = INFINITY;
            for (int k = 0; k <= kMseSteps; ++k) {
                const float range = static_cast<float>(gridRatio(k) * static_cast<double>(m));
                const double e = symmetricError(x, n, range, s);
                if (e < best) {
                    best = e;
                    r.hi = range;
                }
            }
        }
        r.lo = -r.hi;
        return r;
    }
    minMax(x, n, r.lo, r.hi);
    if (s.clip == ClipMethod::Percentile) {
        scratch.assign(x, x + n);
        const float hi = percentileLinear(scratch, s.percentile);
        const float lo = percentileLinear(scratch, 100.0 - s.percentile);
        if (hi > lo) {
            r.lo = lo;
            r.hi = hi;
        }
    } else if (s.clip == ClipMethod::Mse && r.hi > r.lo) {
        const float lo0 = r.lo, hi0 = r.hi;
        double best = INFINITY;
        for (int k = 0; k <= kMseSteps; ++k) {
            const double ratio = gridRatio(k);
            const float lo = static_cast<float>(ratio * lo0), hi = static_cast<float>(ratio * hi0);
            const double e = asymmetricError(x, n, lo, hi, s);
            if (e < best) {
                best = e;
                r.lo = lo;
                r.hi = hi;
            }
        }
    }
    return r;
}

}  // namespace pareto::detail
