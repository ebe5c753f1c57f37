// SPDX-License-Identifier: Apache-2.0
#include "quant/quantizedtensor.h"

#include "quant/bitpacking.h"

#include <c10/util/Half.h>

namespace pareto {

QuantizedTensor::StorageSizes QuantizedTensor::expectedSizes() const {
    const int64_t n = layout.numel();
    StorageSizes sz;
    switch (scheme.kind) {
    case QuantKind::Float32: sz.packed = 4 * n; break;
    case QuantKind::Float16:
    case QuantKind::BFloat16: sz.packed = 2 * n; break;
    case QuantKind::Integer: sz.packed = detail::packedBytes(n, scheme.bits); break;
    case QuantKind::NF4: sz.packed = detail::packedBytes(n, 4); break;
    case QuantKind::Ternary:
        sz.packed = scheme.ternaryPacking == TernaryPacking::Base3 ? detail::tritBytes(n) : detail::packedBytes(n, 2);
        break;
    }
    const int64_t blocks = scheme.isQuantized() ? layout.blockCount() : 0;
    (scheme.scaleDtype == ScaleDtype::Fp16 ? sz.scalesFp16 : sz.scalesFp32) = blocks;
    if (scheme.kind == QuantKind::Integer && !scheme.symmetric) sz.zeroPoints = detail::packedBytes(blocks, scheme.bits);
    return sz;
}

void QuantizedTensor::allocateStorage(bool zeroPacked) {
    const StorageSizes sz = expectedSizes();
    if (zeroPacked) {
        packed.assign(static_cast<size_t>(sz.packed), 0);
    } else {
        packed.clear();
        packed.resize(static_cast<size_t>(sz.packed));
    }
    scalesFp16.assign(static_cast<size_t>(sz.scalesFp16), 0);
    scalesFp32.assign(static_cast<size_t>(sz.scalesFp32), 0.0f);
    zeroPoints.assign(static_cast<size_t>(sz.zeroPoints), 0);
}

int64_t QuantizedTensor::scaleCount() const {
    return static_cast<int64_t>(scheme.scaleDtype == ScaleDtype::Fp16 ? scalesFp16.size() : scalesFp32.size());
}

float QuantizedTensor::scale(int64_t block) const {
    const auto i = static_cast<size_t>(block);
    if (scheme.scaleDtype == ScaleDtype::Fp32) return scalesFp32[i];
    return c10::detail::fp16_ieee_to_fp32_value(scalesFp16[i]);
}

int64_t QuantizedTensor::scaleBytes() const {
    return static_cast<int64_t>(scalesFp16.size() * sizeof(uint16_t) + scalesFp32.size() * sizeof(float));
}

}  // namespace pareto
