// SPDX-License-Identifier: Apache-2.0
#include "quant/referencekernels.h"

#include "quant/bitpacking.h"
#include "quant/quantmath.h"
#include "quant/rangecalibrator.h"

#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <vector>

namespace pareto::detail {
namespace {

void setScale(QuantizedTensor& q, int64_t block, const StoredScale& s) {
    if (q.scheme.scaleDtype == ScaleDtype::Fp16) q.scalesFp16[static_cast<size_t>(block)] = s.half;
    else q.scalesFp32[static_cast<size_t>(block)] = s.value;
}

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v & 0xFF);
    p[1] = static_cast<uint8_t>(v >> 8);
}

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

Status castReference(const float* x, QuantizedTensor& q) {
    const int64_t n = q.numel();
    for (int64_t i = 0; i < n; ++i) {
        switch (q.scheme.kind) {
        case QuantKind::Float32: std::memcpy(q.packed.data() + 4 * i, &x[i], 4); break;
        case QuantKind::Float16: {
            const c10::Half h(x[i]);
            if (std::isinf(static_cast<float>(h))) return fail(castOverflowMessage(q.name, i, x[i], "FP16"));
            put16(q.packed.data() + 2 * i, h.x);
            break;
        }
        case QuantKind::BFloat16: {
            const c10::BFloat16 b(x[i]);
            if (std::isinf(static_cast<float>(b))) return fail(castOverflowMessage(q.name, i, x[i], "BF16"));
            put16(q.packed.data() + 2 * i, b.x);
            break;
        }
        default: break;
        }
    }
    return Status::success();
}

}  // namespace

std::string nonFiniteMessage(const std::string& tensor, int64_t index, float value) {
    std::ostringstream os;
    os << "tensor '" << tensor << "' holds a non-finite value (" << value << ") at element " << index
       << " (row-major after moving the channel axis first); cannot quantize";
    return os.str();
}

std::string scaleRangeMessage(const std::string& tensor, int64_t block) {
    return "tensor '" + tensor + "': the scale of block " + std::to_string(block) +
           " is beyond the FP16 range (weights too large); use scale=fp32";
}

std::string castOverflowMessage(const std::string& tensor, int64_t index, float value, const char* dtype) {
    std::ostringstream os;
    os << "tensor '" << tensor << "': value " << value << " at element " << index << " overflows " << dtype;
    return os.str();
}

Status quantizeReference(const float* x, QuantizedTensor& q) {
    q.allocateStorage();
    const BlockLayout& L = q.layout;
    const QuantScheme& s = q.scheme;
    const int64_t n = L.numel();
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) return fail(nonFiniteMessage(q.name, i, x[i]));
    if (!s.isQuantized()) return castReference(x, q);

    std::vector<uint8_t> codes(static_cast<size_t>(n), 0);
    std::vector<uint8_t> zps(static_cast<size_t>(L.blockCount()), 0);
    std::vector<float> scratch;
    const int64_t bpr = L.blocksPerRow();
    for (int64_t r = 0; r < L.rows; ++r) {
        for (int64_t b = 0; b < bpr; ++b) {
            const int64_t block = r * bpr + b;
            const int64_t start = r * L.rowLength + b * L.blockSize;
            const int64_t len = std::min(L.blockSize, L.rowLength - b * L.blockSize);
            const float* xb = x + start;
            uint8_t* cb = codes.data() + start;

            StoredScale sc;
            if (s.kind == QuantKind::Integer) {
                const ClipRange range = calibrateBlock(xb, len, s, scratch);
                sc = storeScale(s.symmetric ? symmetricRawScale(range.hi, s.qmax()) : asymmetricRawScale(range.lo, range.hi, s.bits),
                                s.scaleDtype);
                if (!sc.ok) return fail(scaleRangeMessage(q.name, block));
                if (s.symmetric) {
                    for (int64_t i = 0; i < len; ++i)
                        cb[i] = static_cast<uint8_t>(quantizeSymmetric(xb[i], sc.value, s.qmax()) & ((1 << s.bits) - 1));
                } else {
                    const int zp = asymmetricZeroPoint(range.lo, sc.value, s.bits);
                    zps[static_cast<size_t>(block)] = static_cast<uint8_t>(zp);
                    for (int64_t i = 0; i < len; ++i) cb[i] = static_cast<uint8_t>(quantizeAsymmetric(xb[i], sc.value, zp, s.bits));
                }
            } else if (s.kind == QuantKind::NF4) {
                float m = 0.0f;
                for (int64_t i = 0; i < len; ++i) m = std::max(m, std::fabs(xb[i]));
                sc = storeScale(m, s.scaleDtype);
                if (!sc.ok) return fail(scaleRangeMessage(q.name, block));
                for (int64_t i = 0; i < len; ++i) cb[i] = static_cast<uint8_t>(nf4Code(xb[i], sc.value));
            } else {  // ternary: one block per row
                sc = storeScale(ternaryRawScale(xb, len), s.scaleDtype);
                if (!sc.ok) return fail(scaleRangeMessage(q.name, block));
                for (int64_t i = 0; i < len; ++i) cb[i] = static_cast<uint8_t>(ternaryValue(xb[i], sc.value) + 1);
            }
            setScale(q, block, sc);
        }
    }

    if (s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3) {
        packTritsReference(codes.data(), n, q.packed.data());
    } else {
        packBitsReference(codes.data(), n, s.storedBits(), q.packed.data());
    }
    if (!q.zeroPoints.empty()) packBitsReference(zps.data(), L.blockCount(), s.bits, q.zeroPoints.data());
    return Status::success();
}

void dequantizeReference(const QuantizedTensor& q, float* out) {
    const BlockLayout& L = q.layout;
    const QuantScheme& s = q.scheme;
    const int64_t n = L.numel();
    switch (s.kind) {
    case QuantKind::Float32:
        for (int64_t i = 0; i < n; ++i) std::memcpy(&out[i], q.packed.data() + 4 * i, 4);
        return;
    case QuantKind::Float16:
        for (int64_t i = 0; i < n; ++i) out[i] = c10::detail::fp16_ieee_to_fp32_value(get16(q.packed.data() + 2 * i));
        return;
    case QuantKind::BFloat16:
        for (int64_t i = 0; i < n; ++i) {
            c10::BFloat16 b;
            b.x = get16(q.packed.data() + 2 * i);
            out[i] = static_cast<float>(b);
        }
        return;
    default: break;
    }

    std::vector<uint8_t> codes(static_cast<size_t>(n));
    if (s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3) unpackTritsReference(q.packed.data(), n, codes.data());
    else unpackBitsReference(q.packed.data(), n, s.storedBits(), codes.data());
    std::vector<uint8_t> zps(static_cast<size_t>(L.blockCount()), 0);
    if (!q.zeroPoints.empty()) unpackBitsReference(q.zeroPoints.data(), L.blockCount(), s.bits, zps.data());

    const int64_t bpr = L.blocksPerRow();
    for (int64_t r = 0; r < L.rows; ++r) {
        for (int64_t b = 0; b < bpr; ++b) {
            const int64_t block = r * bpr + b;
            const int64_t start = r * L.rowLength + b * L.blockSize;
            const int64_t len = std::min(L.blockSize, L.rowLength - b * L.blockSize);
            const float sc = q.scale(block);
            for (int64_t i = start; i < start + len; ++i) {
                const uint8_t c = codes[static_cast<size_t>(i)];
                float v = 0.0f;
                if (s.kind == QuantKind::Integer)
                    v = static_cast<float>(s.symmetric ? signExtend(c, s.bits) : int(c) - int(zps[static_cast<size_t>(block)]));
                else if (s.kind == QuantKind::NF4) v = kNf4Values.v[c & 15];
                else v = static_cast<float>(int(c) - 1);
                out[i] = v * sc;
            }
        }
    }
}

}  // namespace pareto::detail
