// SPDX-License-Identifier: Apache-2.0
#include "quant/fastkernels.h"

#include "quant/bitpacking.h"
#include "quant/quantmath.h"
#include "quant/rangecalibrator.h"
#include "quant/referencekernels.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

namespace pareto::detail {
namespace {

// On x86-64 the row kernels are built twice, SSE2 and AVX2, and picked at load time (GCC
// function multi-versioning): twice the lanes per instruction on any machine from 2013 on,
// same results (no FMA is enabled, and -ffp-contract=off keeps mul/add separate).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define PARETO_QUANT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PARETO_QUANT_CLONES
#endif
// Helpers of a cloned kernel must inline into it to get its instruction set.
#if defined(__GNUC__)
#define PARETO_QUANT_INLINE inline __attribute__((always_inline))
#else
#define PARETO_QUANT_INLINE inline
#endif

// Work per parallel task: small tensors stay on the calling thread.
constexpr int64_t kMinValuesPerTask = 1 << 16;

// --- Block statistics: one pass for the range and a finiteness check. A running max is a
// reduction GCC vectorizes only under -ffast-math, so these use explicit 4-lane vectors
// (GCC/Clang vector extensions: SSE on x86, NEON on a Jetson) with a scalar fallback. ---

#if defined(__GNUC__)
#define PARETO_QUANT_VECTORS 1
typedef float F32x4 __attribute__((vector_size(16)));
typedef int32_t I32x4 __attribute__((vector_size(16)));

inline F32x4 load4(const float* p) {
    F32x4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline F32x4 max4(F32x4 a, F32x4 b) { return a > b ? a : b; }
inline F32x4 min4(F32x4 a, F32x4 b) { return a < b ? a : b; }
inline float hmax4(F32x4 v) { return std::max(std::max(v[0], v[1]), std::max(v[2], v[3])); }
inline float hmin4(F32x4 v) { return std::min(std::min(v[0], v[1]), std::min(v[2], v[3])); }
inline float hsum4(F32x4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
#endif

// |x| compared as integers: IEEE bit patterns of non-negative floats order like their
// values, and Inf (0x7F800000) and NaN (above it) order above every finite value. So one
// integer max gives both max|x| and whether anything was non-finite - no separate pass.
constexpr uint32_t kNonFiniteBits = 0x7F800000;

inline float floatFromBits(uint32_t b) {
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
}

inline uint32_t absBits(float x) {
    uint32_t b;
    std::memcpy(&b, &x, sizeof b);
    return b & 0x7FFFFFFF;
}

#if PARETO_QUANT_VECTORS
inline I32x4 loadAbsBits4(const float* p) {
    I32x4 v;
    std::memcpy(&v, p, sizeof v);
    return v & 0x7FFFFFFF;
}
inline I32x4 maxi4(I32x4 a, I32x4 b) { return a > b ? a : b; }
inline uint32_t hmaxi4(I32x4 v) {
    return static_cast<uint32_t>(std::max(std::max(v[0], v[1]), std::max(v[2], v[3])));
}
#endif

// Bits of max|x| over n values (0 for n == 0); >= kNonFiniteBits when any is Inf/NaN.
PARETO_QUANT_INLINE uint32_t absMaxBits(const float* x, int64_t n) {
    int64_t i = 0;
    uint32_t m = 0;
#if PARETO_QUANT_VECTORS
    const I32x4 zero = {0, 0, 0, 0};
    I32x4 m0 = zero, m1 = zero;
    for (; i + 8 <= n; i += 8) {
        m0 = maxi4(m0, loadAbsBits4(x + i));
        m1 = maxi4(m1, loadAbsBits4(x + i + 4));
    }
    m = hmaxi4(maxi4(m0, m1));
#endif
    for (; i < n; ++i) m = std::max(m, absBits(x[i]));
    return m;
}

PARETO_QUANT_INLINE bool absMaxFinite(const float* x, int64_t n, float& out) {
    const uint32_t m = absMaxBits(x, n);
    out = floatFromBits(m);
    return m < kNonFiniteBits;
}

PARETO_QUANT_INLINE bool minMaxFinite(const float* x, int64_t n, float& lo, float& hi) {
    lo = hi = n > 0 ? x[0] : 0.0f;
    float sink = 0.0f;
    int64_t i = 0;
#if PARETO_QUANT_VECTORS
    if (n >= 8) {
        F32x4 mn = load4(x), mx = mn, s = mn * 0.0f;
        for (; i + 4 <= n; i += 4) {
            const F32x4 a = load4(x + i);
            mn = min4(mn, a);
            mx = max4(mx, a);
            s += a * 0.0f;
        }
        lo = hmin4(mn);
        hi = hmax4(mx);
        sink = hsum4(s);
    }
#endif
    for (; i < n; ++i) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
        sink += x[i] * 0.0f;
    }
    return sink == 0.0f;
}

PARETO_QUANT_INLINE bool allFinite(const float* x, int64_t n) { return absMaxBits(x, n) < kNonFiniteBits; }

// Bits of max|x| of a block whose length is a compile-time constant (the common group
// sizes): fully unrolled, no loop tails.
template <int N>
PARETO_QUANT_INLINE uint32_t absMaxBitsFixed(const float* x) {
#if PARETO_QUANT_VECTORS
    static_assert(N % 8 == 0, "fixed blocks are whole vectors");
    I32x4 m0 = loadAbsBits4(x), m1 = loadAbsBits4(x + 4);
    for (int i = 8; i < N; i += 8) {
        m0 = maxi4(m0, loadAbsBits4(x + i));
        m1 = maxi4(m1, loadAbsBits4(x + i + 4));
    }
    return hmaxi4(maxi4(m0, m1));
#else
    return absMaxBits(x, N);
#endif
}

// --- Code loops: division (not a reciprocal multiply: it must round like the reference and
// like PyTorch's w / scale), clamp, magic-number round half to even, narrow. ---

// `offset` turns the signed value into a stored code: 0 for two's complement integers,
// 1 for ternary codes {0, 1, 2}.
PARETO_QUANT_INLINE void quantizeSymmetricBlock(const float* __restrict x, int64_t n, float scale, int qmax,
                                                uint8_t* __restrict out, int offset = 0) {
#if defined(__GNUC__)
    // Keep qmax opaque: with a literal 1 (ternary) GCC turns the clamp into branches and
    // gives up vectorizing; the generic loop is 10x faster.
    asm("" : "+r"(qmax));
#endif
    const float hi = static_cast<float>(qmax), lo = -hi;
    for (int64_t i = 0; i < n; ++i) {
        float v = x[i] / scale;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        v = (v + kRoundMagic) - kRoundMagic;
        out[i] = static_cast<uint8_t>(static_cast<int32_t>(v) + offset);
    }
}

PARETO_QUANT_INLINE void quantizeAsymmetricBlock(const float* __restrict x, int64_t n, float scale, int zp, int bits, uint8_t* __restrict out) {
    const float lo = static_cast<float>(-zp), hi = static_cast<float>(asymQmax(bits) - zp);
    for (int64_t i = 0; i < n; ++i) {
        float v = x[i] / scale;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        v = (v + kRoundMagic) - kRoundMagic;
        out[i] = static_cast<uint8_t>(static_cast<int32_t>(v) + zp);
    }
}

PARETO_QUANT_INLINE void quantizeNf4Block(const float* __restrict x, int64_t n, float scale, uint8_t* __restrict out) {
    for (int64_t i = 0; i < n; ++i) {
        const float v = x[i] / scale;
        int c = 0;
        for (int k = 0; k < 15; ++k) c += v > kNf4Thresholds.mid[k] ? 1 : 0;
        out[i] = static_cast<uint8_t>(c);
    }
}

// Rows per parallel chunk so every chunk starts on a byte (or a 5-trit byte) boundary and
// no two threads touch the same packed byte.
int64_t rowsPerAlignedChunk(const QuantizedTensor& q) {
    const int64_t len = q.layout.rowLength;
    const bool trits = q.scheme.kind == QuantKind::Ternary && q.scheme.ternaryPacking == TernaryPacking::Base3;
    for (int64_t k = 1; k <= 40; ++k) {
        if (trits ? (k * len) % kTritsPerByte == 0 : (k * len * q.scheme.storedBits()) % 8 == 0) return k;
    }
    return 40;
}

void setScale(QuantizedTensor& q, int64_t block, const StoredScale& s) {
    if (q.scheme.scaleDtype == ScaleDtype::Fp16) q.scalesFp16[static_cast<size_t>(block)] = s.half;
    else q.scalesFp32[static_cast<size_t>(block)] = s.value;
}

// Runs body(rowBegin, rowEnd) over aligned row chunks, in parallel when asked and worth it.
template <class Body>
void forEachRowChunk(const QuantizedTensor& q, bool parallel, Body&& body) {
    const int64_t rows = q.layout.rows;
    const int64_t chunkRows = rowsPerAlignedChunk(q);
    const int64_t chunks = (rows + chunkRows - 1) / chunkRows;
    auto run = [&](int64_t c0, int64_t c1) { body(c0 * chunkRows, std::min(rows, c1 * chunkRows)); };
    const int64_t perChunk = std::max<int64_t>(1, chunkRows * q.layout.rowLength);
    if (parallel && chunks > 1 && rows * q.layout.rowLength >= 2 * kMinValuesPerTask) {
        at::parallel_for(0, chunks, std::max<int64_t>(1, kMinValuesPerTask / perChunk), run);
    } else {
        run(0, chunks);
    }
}

// Symmetric min-max groups (the common group-wise case), per row in three passes: the
// maxima of all groups (fixed-length, unrolled for G = 32/64/128), all scales at once (a
// loop the compiler can vectorize, instead of one FP16 conversion chain per group), then
// the codes.
template <int N>
PARETO_QUANT_INLINE bool symmetricGroupsFixed(const float* __restrict xr, int64_t row, QuantizedTensor& q,
                                              uint8_t* __restrict codes, std::vector<float>& scratch) {
    const BlockLayout& L = q.layout;
    const int qmax = q.scheme.qmax();
    const int64_t bpr = L.blocksPerRow();
    const int64_t full = L.rowLength / N;
    scratch.resize(static_cast<size_t>(2 * bpr));
    float* maxima = scratch.data();
    float* scales = scratch.data() + bpr;
    uint32_t worst = 0;
    for (int64_t b = 0; b < full; ++b) {
        const uint32_t m = absMaxBitsFixed<N>(xr + b * N);
        worst = std::max(worst, m);
        maxima[b] = floatFromBits(m);
    }
    if (full < bpr && !absMaxFinite(xr + full * N, L.rowLength - full * N, maxima[full])) return false;
    if (worst >= kNonFiniteBits) return false;

    int bad = 0;
    if (q.scheme.scaleDtype == ScaleDtype::Fp16) {
        uint16_t* halves = q.scalesFp16.data() + row * bpr;
        for (int64_t b = 0; b < bpr; ++b) {
            float raw = symmetricRawScale(maxima[b], qmax);
            raw = raw == 0.0f ? 1.0f : raw;
            uint16_t h = c10::detail::fp16_ieee_from_fp32_value(raw);
            h = (h & 0x7FFF) == 0 ? uint16_t(1) : h;
            bad |= (h & 0x7FFF) >= 0x7C00;
            halves[b] = h;
            scales[b] = c10::detail::fp16_ieee_to_fp32_value(h);
        }
    } else {
        for (int64_t b = 0; b < bpr; ++b) {
            const StoredScale sc = storeScale(symmetricRawScale(maxima[b], qmax), ScaleDtype::Fp32);
            bad |= !sc.ok;
            q.scalesFp32[static_cast<size_t>(row * bpr + b)] = scales[b] = sc.value;
        }
    }
    if (bad) return false;

    // A constant trip count N: unrolled, no tails.
    for (int64_t b = 0; b < full; ++b) quantizeSymmetricBlock(xr + b * N, N, scales[b], qmax, codes + b * N);
    if (full < bpr) quantizeSymmetricBlock(xr + full * N, L.rowLength - full * N, scales[full], qmax, codes + full * N);
    return true;
}

// Quantizes one row (all its blocks) into codes; false on a non-finite value or a scale
// out of range (the caller re-runs the reference for the exact error).
PARETO_QUANT_CLONES bool quantizeRow(const float* xr, int64_t row, QuantizedTensor& q, uint8_t* codes, uint8_t* zps, std::vector<float>& scratch) {
    const BlockLayout& L = q.layout;
    const QuantScheme& s = q.scheme;
    const int64_t bpr = L.blocksPerRow();
    if (s.kind == QuantKind::Integer && s.symmetric && s.clip == ClipMethod::MinMax && bpr > 1 &&
        (L.blockSize == 32 || L.blockSize == 64 || L.blockSize == 128)) {
        if (L.blockSize == 32) return symmetricGroupsFixed<32>(xr, row, q, codes, scratch);
        if (L.blockSize == 64) return symmetricGroupsFixed<64>(xr, row, q, codes, scratch);
        return symmetricGroupsFixed<128>(xr, row, q, codes, scratch);
    }
    for (int64_t b = 0; b < bpr; ++b) {
        const int64_t block = row * bpr + b;
        const int64_t start = b * L.blockSize;
        const int64_t len = std::min(L.blockSize, L.rowLength - start);
        const float* xb = xr + start;
        uint8_t* cb = codes + start;
        StoredScale sc;
        switch (s.kind) {
        case QuantKind::Integer:
            if (s.symmetric) {
                float m = 0.0f;
                if (!absMaxFinite(xb, len, m)) return false;
                const float range = s.clip == ClipMethod::MinMax ? m : calibrateBlock(xb, len, s, scratch).hi;
                sc = storeScale(symmetricRawScale(range, s.qmax()), s.scaleDtype);
                if (!sc.ok) return false;
                quantizeSymmetricBlock(xb, len, sc.value, s.qmax(), cb);
            } else {
                ClipRange r;
                if (!minMaxFinite(xb, len, r.lo, r.hi)) return false;
                if (s.clip != ClipMethod::MinMax) r = calibrateBlock(xb, len, s, scratch);
                sc = storeScale(asymmetricRawScale(r.lo, r.hi, s.bits), s.scaleDtype);
                if (!sc.ok) return false;
                const int zp = asymmetricZeroPoint(r.lo, sc.value, s.bits);
                zps[block] = static_cast<uint8_t>(zp);
                quantizeAsymmetricBlock(xb, len, sc.value, zp, s.bits, cb);
            }
            break;
        case QuantKind::NF4: {
            float m = 0.0f;
            if (!absMaxFinite(xb, len, m)) return false;
            sc = storeScale(m, s.scaleDtype);
            if (!sc.ok) return false;
            quantizeNf4Block(xb, len, sc.value, cb);
            break;
        }
        case QuantKind::Ternary:
            if (!allFinite(xb, len)) return false;
            sc = storeScale(ternaryRawScale(xb, len), s.scaleDtype);
            if (!sc.ok) return false;
            quantizeSymmetricBlock(xb, len, sc.value, 1, cb, 1);
            break;
        default: return false;
        }
        setScale(q, block, sc);
    }
    return true;
}

Status castFast(const float* x, QuantizedTensor& q) {
    const int64_t n = q.numel();
    if (!allFinite(x, n)) return quantizeReference(x, q);
    if (q.scheme.kind == QuantKind::Float32) {
        if (n > 0) std::memcpy(q.packed.data(), x, static_cast<size_t>(4 * n));  // empty: null buffers
        return Status::success();
    }
    const bool half = q.scheme.kind == QuantKind::Float16;
    try {
        // ATen's conversion kernels are vectorized and round to nearest even, as c10::Half
        // and c10::BFloat16 (the reference) do.
        at::Tensor src = at::from_blob(const_cast<float*>(x), {n}, at::kFloat);
        at::Tensor dst = at::from_blob(q.packed.data(), {n}, half ? at::kHalf : at::kBFloat16);
        dst.copy_(src);
    } catch (const std::exception& e) {
        return fail("tensor '" + q.name + "': cast failed: " + e.what());
    }
    const uint16_t inf = half ? 0x7C00 : 0x7F80;
    const auto* h = reinterpret_cast<const uint16_t*>(q.packed.data());
    int overflow = 0;
    for (int64_t i = 0; i < n; ++i) overflow |= (h[i] & 0x7FFF) == inf;
    if (overflow) return quantizeReference(x, q);
    return Status::success();
}

}  // namespace

Status quantizeFast(const float* x, QuantizedTensor& q, bool parallel) {
    const QuantScheme& s = q.scheme;
    const BlockLayout& L = q.layout;
    // The packers OR codes into bytes they share with a neighbour (row ends that are not
    // whole bytes); when every row is whole bytes they store every byte and no zeroing is
    // needed. Casts always overwrite everything.
    const bool base3 = s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3;
    const bool wholeBytes = base3 ? L.rowLength % kTritsPerByte == 0 : L.rowLength % 8 == 0;
    q.allocateStorage(s.isQuantized() && !wholeBytes);
    if (!s.isQuantized()) return castFast(x, q);

    const int bits = s.storedBits();
    const bool trits = s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3;
    const bool direct = s.kind == QuantKind::Integer && bits == 8;  // codes are the packed bytes
    std::vector<uint8_t> zps(q.zeroPoints.empty() ? 0 : static_cast<size_t>(L.blockCount()), 0);
    std::atomic<bool> failed{false};

    forEachRowChunk(q, parallel, [&](int64_t r0, int64_t r1) {
        std::vector<uint8_t> rowCodes(direct ? 0 : static_cast<size_t>(L.rowLength));
        std::vector<float> scratch;
        for (int64_t r = r0; r < r1 && !failed.load(std::memory_order_relaxed); ++r) {
            const float* xr = x + r * L.rowLength;
            uint8_t* codes = direct ? q.packed.data() + r * L.rowLength : rowCodes.data();
            if (!quantizeRow(xr, r, q, codes, zps.data(), scratch)) {
                failed = true;
                return;
            }
            if (direct) continue;
            if (trits) packTritsFast(codes, L.rowLength, q.packed.data(), r * L.rowLength);
            else packBitsFast(codes, L.rowLength, bits, q.packed.data(), r * L.rowLength * bits);
        }
    });
    // The reference finds and words the first problem exactly as a sequential pass would.
    if (failed) return quantizeReference(x, q);
    if (!zps.empty()) packBitsFast(zps.data(), L.blockCount(), s.bits, q.zeroPoints.data());
    return Status::success();
}

namespace {

PARETO_QUANT_INLINE void dequantizeSymmetricBlock(const uint8_t* __restrict c, int64_t n, int bits, float scale, float* __restrict out) {
    const int sh = 8 - bits;
    for (int64_t i = 0; i < n; ++i) {
        const int v = static_cast<int8_t>(static_cast<uint8_t>(c[i] << sh)) >> sh;
        out[i] = static_cast<float>(v) * scale;
    }
}

PARETO_QUANT_INLINE void dequantizeOffsetBlock(const uint8_t* __restrict c, int64_t n, int offset, float scale, float* __restrict out) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(int(c[i]) - offset) * scale;
}

PARETO_QUANT_INLINE void dequantizeNf4Block(const uint8_t* __restrict c, int64_t n, float scale, float* __restrict out) {
    for (int64_t i = 0; i < n; ++i) out[i] = kNf4Values.v[c[i] & 15] * scale;
}

// Unpacks and scales one row (codes go through rowCodes unless they are whole bytes).
PARETO_QUANT_CLONES void dequantizeRow(const QuantizedTensor& q, int64_t r, const uint8_t* zps, uint8_t* rowCodes, float* out) {
    const QuantScheme& s = q.scheme;
    const BlockLayout& L = q.layout;
    const int bits = s.storedBits();
    const bool trits = s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3;
    const uint8_t* codes = rowCodes;
    if (bits == 8 && !trits) codes = q.packed.data() + r * L.rowLength;
    else if (trits) unpackTritsFast(q.packed.data(), L.rowLength, rowCodes, r * L.rowLength);
    else unpackBitsFast(q.packed.data(), L.rowLength, bits, rowCodes, r * L.rowLength * bits);
    const int64_t bpr = L.blocksPerRow();
    for (int64_t b = 0; b < bpr; ++b) {
        const int64_t block = r * bpr + b;
        const int64_t start = b * L.blockSize;
        const int64_t len = std::min(L.blockSize, L.rowLength - start);
        const float sc = q.scale(block);
        if (s.kind == QuantKind::Integer && s.symmetric) dequantizeSymmetricBlock(codes + start, len, bits, sc, out + start);
        else if (s.kind == QuantKind::Integer) dequantizeOffsetBlock(codes + start, len, zps[block], sc, out + start);
        else if (s.kind == QuantKind::NF4) dequantizeNf4Block(codes + start, len, sc, out + start);
        else dequantizeOffsetBlock(codes + start, len, 1, sc, out + start);
    }
}

}  // namespace

void dequantizeFast(const QuantizedTensor& q, float* out, bool parallel) {
    const QuantScheme& s = q.scheme;
    const BlockLayout& L = q.layout;
    const int64_t n = L.numel();
    if (s.kind == QuantKind::Float32) {
        if (n > 0) std::memcpy(out, q.packed.data(), static_cast<size_t>(4 * n));
        return;
    }
    if (s.kind == QuantKind::Float16 || s.kind == QuantKind::BFloat16) {
        at::Tensor src = at::from_blob(const_cast<uint8_t*>(q.packed.data()), {n},
                                       s.kind == QuantKind::Float16 ? at::kHalf : at::kBFloat16);
        at::from_blob(out, {n}, at::kFloat).copy_(src);
        return;
    }
    std::vector<uint8_t> zps;
    if (!q.zeroPoints.empty()) {
        zps.resize(static_cast<size_t>(L.blockCount()));
        unpackBitsFast(q.zeroPoints.data(), L.blockCount(), s.bits, zps.data());
    }
    forEachRowChunk(q, parallel, [&](int64_t r0, int64_t r1) {
        std::vector<uint8_t> rowCodes(static_cast<size_t>(L.rowLength));
        for (int64_t r = r0; r < r1; ++r) dequantizeRow(q, r, zps.data(), rowCodes.data(), out + r * L.rowLength);
    });
}

}  // namespace pareto::detail
