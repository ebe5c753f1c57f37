// SPDX-License-Identifier: Apache-2.0
#pragma once
// One tensor in its stored (packed) form.

#include "quant/blocklayout.h"
#include "quant/quantscheme.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

namespace detail {
/// std::allocator, except that growing a vector leaves new elements uninitialized instead
/// of zeroing them: the fast kernels overwrite every packed byte, and zeroing 16 MB first
/// costs them ~10 % of their time. assign(n, 0) still zeroes.
template <class T>
struct UninitializedAllocator {
    using value_type = T;
    UninitializedAllocator() = default;
    template <class U>
    UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U>
    bool operator==(const UninitializedAllocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const UninitializedAllocator<U>&) const noexcept { return false; }
};
}  // namespace detail

/// Packed bytes: a std::vector<uint8_t> whose resize() does not zero (see above).
using ByteBuffer = std::vector<uint8_t, detail::UninitializedAllocator<uint8_t>>;

/// @brief A weight tensor as it is stored: packed codes, per-block scales, zero-points.
///
/// Byte layouts (all little-endian, LSB first):
///  - Integer b bits: one dense bit stream over all values in BlockLayout order, value i at
///    bits [i*b, (i+1)*b); symmetric codes are b-bit two's complement in
///    [-(2^(b-1)-1), 2^(b-1)-1] (so int8 bytes are plain int8), asymmetric codes unsigned.
///    Zero-points (asymmetric only): one unsigned b-bit value per block, packed the same way.
///  - NF4: 4-bit code-book indices, first value in the low nibble.
///  - Ternary: codes q+1 in {0,1,2}; base-3: 5 per byte, byte = sum c_k 3^k (k = 0 first);
///    2bit: dense 2-bit stream.
///  - FP16 / BF16: 2 bytes per value in the tensor's C order, no scales.
///  - FP32: 4 bytes per value (only when a caller asks for it explicitly).
/// Scales: one per block, raw IEEE half bits (ScaleDtype::Fp16) or float (Fp32).
/// Value type; plain data, any thread.
struct QuantizedTensor {
    std::string name;
    std::vector<int64_t> shape;  ///< original shape
    int64_t axis = 0;            ///< output-channel axis the rows were taken along
    QuantScheme scheme;
    BlockLayout layout;

    ByteBuffer packed;
    std::vector<uint16_t> scalesFp16;  ///< raw half bits; used when scheme.scaleDtype == Fp16
    std::vector<float> scalesFp32;     ///< used when scheme.scaleDtype == Fp32
    std::vector<uint8_t> zeroPoints;   ///< packed at scheme.bits; asymmetric integer only

    /// Buffer sizes implied by scheme and layout.
    struct StorageSizes {
        int64_t packed = 0, scalesFp16 = 0, scalesFp32 = 0, zeroPoints = 0;
    };
    StorageSizes expectedSizes() const;
    /// Sizes packed/scales/zeroPoints for layout and scheme, all zeroed; with
    /// zeroPacked = false the packed bytes are left uninitialized (the caller writes all).
    void allocateStorage(bool zeroPacked = true);

    int64_t numel() const { return layout.numel(); }
    int64_t scaleCount() const;
    /// The stored scale of block i as float (what dequantization multiplies by).
    float scale(int64_t block) const;
    int64_t scaleBytes() const;
    /// Real storage: packed values + scales + zero-points.
    int64_t bytes() const { return static_cast<int64_t>(packed.size()) + scaleBytes() + static_cast<int64_t>(zeroPoints.size()); }
};

}  // namespace pareto
