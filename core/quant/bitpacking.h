// SPDX-License-Identifier: Apache-2.0
#pragma once
// Dense little-endian bit packing of small codes, and base-3 packing of trits.
// Reference (one bit at a time) and fast (8 codes -> `bits` bytes) versions, which must
// agree byte for byte; tests/core/quant/tst_bitpacking.cpp holds them to it.

#include <cstdint>

namespace pareto::detail {

#if defined(__BYTE_ORDER__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the fast packers assume a little-endian host");
#endif

/// The unit the fast packer writes: 8 codes of Bits bits fill exactly Bits bytes, code k
/// at bits [k*Bits, (k+1)*Bits) of the little-endian Bits-byte word.
template <int Bits>
struct PackedOctet {
    uint8_t bytes[Bits];
};
static_assert(sizeof(PackedOctet<2>) == 2 && sizeof(PackedOctet<3>) == 3 && sizeof(PackedOctet<4>) == 4 &&
                  sizeof(PackedOctet<5>) == 5 && sizeof(PackedOctet<6>) == 6 && sizeof(PackedOctet<7>) == 7 &&
                  sizeof(PackedOctet<8>) == 8,
              "8 codes of b bits must occupy exactly b bytes");

/// Five trits (0..2) in one byte: sum c_k 3^k, k = 0 first.
struct PackedTrits {
    uint8_t byte;
};
inline constexpr int kTritsPerByte = 5;
static_assert(sizeof(PackedTrits) == 1 && 3 * 3 * 3 * 3 * 3 <= 256, "5 trits must fit one byte");

/// Bytes needed for `count` codes of `bits` bits: ceil(count * bits / 8).
inline int64_t packedBytes(int64_t count, int bits) { return (count * bits + 7) / 8; }
/// Bytes needed for `count` trits packed 5 per byte.
inline int64_t tritBytes(int64_t count) { return (count + kTritsPerByte - 1) / kTritsPerByte; }

// Pack: writes codes (low `bits` bits of each byte are used) starting at bit `bitOffset` of
// `out`. Bytes shared with neighbouring codes are OR-ed: `out` must start zeroed there.
void packBitsReference(const uint8_t* codes, int64_t count, int bits, uint8_t* out, int64_t bitOffset = 0);
void packBitsFast(const uint8_t* codes, int64_t count, int bits, uint8_t* out, int64_t bitOffset = 0);
// Unpack: codes come back zero-extended (callers sign-extend where codes are signed).
void unpackBitsReference(const uint8_t* in, int64_t count, int bits, uint8_t* codes, int64_t bitOffset = 0);
void unpackBitsFast(const uint8_t* in, int64_t count, int bits, uint8_t* codes, int64_t bitOffset = 0);

// Trits: codes 0..2 starting at trit position `tritOffset`; `out` must start zeroed there.
void packTritsReference(const uint8_t* codes, int64_t count, uint8_t* out, int64_t tritOffset = 0);
void packTritsFast(const uint8_t* codes, int64_t count, uint8_t* out, int64_t tritOffset = 0);
void unpackTritsReference(const uint8_t* in, int64_t count, uint8_t* codes, int64_t tritOffset = 0);
void unpackTritsFast(const uint8_t* in, int64_t count, uint8_t* codes, int64_t tritOffset = 0);

/// Sign-extends a b-bit two's complement code.
inline int signExtend(uint8_t code, int bits) {
    return static_cast<int8_t>(static_cast<uint8_t>(code << (8 - bits))) >> (8 - bits);
}

}  // namespace pareto::detail
