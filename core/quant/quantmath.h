// SPDX-License-Identifier: Apache-2.0
#pragma once
// Scalar formulas shared by the reference and the fast kernels: how a scale is stored,
// how one value becomes a code. Both paths must produce bit-identical codes and scales,
// so whatever is a *definition* (not a loop) lives here once.

#include "quant/nf4codebook.h"
#include "quant/quantscheme.h"

#include <c10/util/Half.h>

#include <cmath>
#include <cstdint>

namespace pareto::detail {

/// (x + 1.5 * 2^23) - 1.5 * 2^23 rounds half to even under the default rounding mode for
/// |x| <= 2^22, exactly like std::nearbyint, and vectorizes (ggml uses the same trick).
/// The fast kernels clamp to the code range first, so |x| <= 128 here.
inline constexpr float kRoundMagic = 12582912.0f;

/// A block scale as stored and as dequantization will use it.
struct StoredScale {
    float value = 1.0f;  ///< the scale codes are computed with and multiplied by
    uint16_t half = 0;   ///< raw IEEE half bits (ScaleDtype::Fp16)
    bool ok = true;      ///< false: not representable (beyond the FP16 range, or non-finite)
};

/// Rounds a raw scale to the stored dtype. A zero raw scale (an all-zero block) becomes 1;
/// a positive scale that would underflow FP16 is stored as the smallest subnormal (2^-24) so
/// codes stay finite; one beyond 65504 is not ok (the caller asks for scale=fp32).
inline StoredScale storeScale(float raw, ScaleDtype dt) {
    StoredScale s;
    if (raw == 0.0f) raw = 1.0f;
    if (!std::isfinite(raw) || raw < 0.0f) {
        s.ok = false;
        return s;
    }
    if (dt == ScaleDtype::Fp32) {
        s.value = raw;
        return s;
    }
    uint16_t h = c10::detail::fp16_ieee_from_fp32_value(raw);
    if ((h & 0x7FFF) == 0) h = 1;
    if ((h & 0x7FFF) >= 0x7C00) {
        s.ok = false;
        return s;
    }
    s.half = h;
    s.value = c10::detail::fp16_ieee_to_fp32_value(h);
    return s;
}

/// Largest unsigned code of an asymmetric b-bit scheme: 2^b - 1.
inline int asymQmax(int bits) { return (1 << bits) - 1; }

/// Raw symmetric scale for a clip magnitude: range / qmax.
inline float symmetricRawScale(float range, int qmax) { return range / static_cast<float>(qmax); }

/// Raw asymmetric scale for a clip range [lo, hi]; the range always contains 0 so that 0
/// is exact (PyTorch's observers do the same).
inline float asymmetricRawScale(float lo, float hi, int bits) {
    return (std::fmax(hi, 0.0f) - std::fmin(lo, 0.0f)) / static_cast<float>(asymQmax(bits));
}

/// Zero-point for a clip minimum and the stored scale: round(-min(lo,0)/s) in [0, 2^b-1].
inline int asymmetricZeroPoint(float lo, float scale, int bits) {
    const float z = std::nearbyint(-std::fmin(lo, 0.0f) / scale);
    return static_cast<int>(std::fmin(std::fmax(z, 0.0f), static_cast<float>(asymQmax(bits))));
}

/// round_half_even(clamp(w / s, -qmax, qmax)); clamping first equals clamping after.
inline int quantizeSymmetric(float w, float scale, int qmax) {
    float x = w / scale;
    const float q = static_cast<float>(qmax);
    x = x < -q ? -q : (x > q ? q : x);
    return static_cast<int>(std::nearbyint(x));
}

/// round_half_even(clamp(w / s, -zp, Q - zp)) + zp, a code in [0, Q].
inline int quantizeAsymmetric(float w, float scale, int zp, int bits) {
    float x = w / scale;
    const float lo = static_cast<float>(-zp), hi = static_cast<float>(asymQmax(bits) - zp);
    x = x < lo ? lo : (x > hi ? hi : x);
    return static_cast<int>(std::nearbyint(x)) + zp;
}

/// Decision thresholds between neighbouring NF4 codes (midpoints, as bitsandbytes'
/// dQuantizeNF4 tree); a value exactly on a midpoint takes the lower code.
struct Nf4Thresholds {
    float mid[15];
    constexpr Nf4Thresholds() : mid{} {
        for (int k = 0; k < 15; ++k) mid[k] = static_cast<float>((kNf4CodeBook[k] + kNf4CodeBook[k + 1]) / 2.0);
    }
};
inline constexpr Nf4Thresholds kNf4Thresholds;

/// The NF4 code values as float (what dequantization multiplies by the absmax).
struct Nf4Values {
    float v[16];
    constexpr Nf4Values() : v{} {
        for (int k = 0; k < 16; ++k) v[k] = static_cast<float>(kNf4CodeBook[k]);
    }
};
inline constexpr Nf4Values kNf4Values;

/// Index of the nearest NF4 code for w / absmax.
inline int nf4Code(float w, float scale) {
    const float x = w / scale;
    int c = 0;
    for (int k = 0; k < 15; ++k) c += x > kNf4Thresholds.mid[k] ? 1 : 0;
    return c;
}

/// Ternary value round_half_even(clamp(w / s, -1, 1)) in {-1, 0, 1}.
inline int ternaryValue(float w, float scale) { return quantizeSymmetric(w, scale, 1); }

/// Sum of |x| in a fixed order (8 interleaved partial sums in double, combined pairwise)
/// so that the absmean is the same bits in both kernels however they loop.
inline double sumAbsLanes(const float* x, int64_t n) {
    double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) lane[j] += std::fabs(static_cast<double>(x[i + j]));
    for (int j = 0; i < n; ++i, ++j) lane[j] += std::fabs(static_cast<double>(x[i]));
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// Ternary (BitNet b1.58) raw scale: mean |w| over the row.
inline float ternaryRawScale(const float* x, int64_t n) {
    return n == 0 ? 0.0f : static_cast<float>(sumAbsLanes(x, n) / static_cast<double>(n));
}

}  // namespace pareto::detail
