// SPDX-License-Identifier: Apache-2.0
#include "quant/bitpacking.h"

#include <cstring>

namespace pareto::detail {
namespace {

constexpr uint8_t kPow3[kTritsPerByte] = {1, 3, 9, 27, 81};

// Decoding table for base-3 bytes: the 5 trits of every byte value.
struct TritTable {
    uint8_t trits[256][kTritsPerByte];  // 243..255 never written; decoded like the reference
    constexpr TritTable() : trits{} {
        for (int v = 0; v < 256; ++v) {
            int r = v;
            for (int k = 0; k < kTritsPerByte; ++k) {
                trits[v][k] = static_cast<uint8_t>(r % 3);
                r /= 3;
            }
        }
    }
};
constexpr TritTable kTritTable;

template <int Bits>
void packOctets(const uint8_t* codes, int64_t octets, uint8_t* out) {
    constexpr uint64_t mask = (1u << Bits) - 1;
    for (int64_t o = 0; o < octets; ++o) {
        const uint8_t* c = codes + 8 * o;
        uint64_t word = 0;
        for (int k = 0; k < 8; ++k) word |= (uint64_t(c[k]) & mask) << (k * Bits);
        PackedOctet<Bits> unit;
        std::memcpy(unit.bytes, &word, Bits);  // little-endian: the low Bits bytes
        std::memcpy(out + Bits * o, &unit, sizeof unit);
    }
}

template <int Bits>
void unpackOctets(const uint8_t* in, int64_t octets, uint8_t* codes) {
    constexpr uint64_t mask = (1u << Bits) - 1;
    for (int64_t o = 0; o < octets; ++o) {
        uint64_t word = 0;
        std::memcpy(&word, in + Bits * o, Bits);
        uint8_t* c = codes + 8 * o;
        for (int k = 0; k < 8; ++k) c[k] = static_cast<uint8_t>((word >> (k * Bits)) & mask);
    }
}

// Nibbles and crumbs get their own loops: these vectorize, the generic word loop does not.
void pack4(const uint8_t* codes, int64_t pairs, uint8_t* out) {
    for (int64_t i = 0; i < pairs; ++i)
        out[i] = static_cast<uint8_t>((codes[2 * i] & 0x0F) | (codes[2 * i + 1] << 4));
}

void unpack4(const uint8_t* in, int64_t pairs, uint8_t* codes) {
    for (int64_t i = 0; i < pairs; ++i) {
        codes[2 * i] = in[i] & 0x0F;
        codes[2 * i + 1] = in[i] >> 4;
    }
}

void pack2(const uint8_t* codes, int64_t quads, uint8_t* out) {
    for (int64_t i = 0; i < quads; ++i)
        out[i] = static_cast<uint8_t>((codes[4 * i] & 3) | ((codes[4 * i + 1] & 3) << 2) |
                                      ((codes[4 * i + 2] & 3) << 4) | (codes[4 * i + 3] << 6));
}

void unpack2(const uint8_t* in, int64_t quads, uint8_t* codes) {
    for (int64_t i = 0; i < quads; ++i) {
        codes[4 * i] = in[i] & 3;
        codes[4 * i + 1] = (in[i] >> 2) & 3;
        codes[4 * i + 2] = (in[i] >> 4) & 3;
        codes[4 * i + 3] = in[i] >> 6;
    }
}

// Whole bytes of codes starting byte-aligned: `octets` groups of 8 codes.
void packAligned(const uint8_t* codes, int64_t octets, int bits, uint8_t* out) {
    if (octets <= 0) return;  // empty tensors pass null buffers: memcpy(null, ..., 0) is UB
    switch (bits) {
    case 2: pack2(codes, 2 * octets, out); break;
    case 3: packOctets<3>(codes, octets, out); break;
    case 4: pack4(codes, 4 * octets, out); break;
    case 5: packOctets<5>(codes, octets, out); break;
    case 6: packOctets<6>(codes, octets, out); break;
    case 7: packOctets<7>(codes, octets, out); break;
    case 8: std::memcpy(out, codes, static_cast<size_t>(8 * octets)); break;
    default: break;
    }
}

void unpackAligned(const uint8_t* in, int64_t octets, int bits, uint8_t* codes) {
    if (octets <= 0) return;
    switch (bits) {
    case 2: unpack2(in, 2 * octets, codes); break;
    case 3: unpackOctets<3>(in, octets, codes); break;
    case 4: unpack4(in, 4 * octets, codes); break;
    case 5: unpackOctets<5>(in, octets, codes); break;
    case 6: unpackOctets<6>(in, octets, codes); break;
    case 7: unpackOctets<7>(in, octets, codes); break;
    case 8: std::memcpy(codes, in, static_cast<size_t>(8 * octets)); break;
    default: break;
    }
}

// One code at an arbitrary bit position (heads and tails of the fast paths).
inline void putCode(uint8_t* out, int64_t bitPos, uint32_t code, int bits) {
    uint8_t* p = out + (bitPos >> 3);
    const int shift = static_cast<int>(bitPos & 7);
    const uint32_t v = code << shift;  // at most 15 bits: spans at most 2 bytes
    p[0] = static_cast<uint8_t>(p[0] | (v & 0xFF));
    if (shift + bits > 8) p[1] = static_cast<uint8_t>(p[1] | (v >> 8));
}

inline uint8_t getCode(const uint8_t* in, int64_t bitPos, int bits) {
    const uint8_t* p = in + (bitPos >> 3);
    const int shift = static_cast<int>(bitPos & 7);
    uint32_t v = p[0];
    if (shift + bits > 8) v |= uint32_t(p[1]) << 8;
    return static_cast<uint8_t>((v >> shift) & ((1u << bits) - 1));
}

}  // namespace

void packBitsReference(const uint8_t* codes, int64_t count, int bits, uint8_t* out, int64_t bitOffset) {
    for (int64_t i = 0; i < count; ++i) {
        for (int b = 0; b < bits; ++b) {
            const int64_t pos = bitOffset + i * bits + b;
            if ((codes[i] >> b) & 1) out[pos / 8] = static_cast<uint8_t>(out[pos / 8] | (1u << (pos % 8)));
        }
    }
}

void unpackBitsReference(const uint8_t* in, int64_t count, int bits, uint8_t* codes, int64_t bitOffset) {
    for (int64_t i = 0; i < count; ++i) {
        uint8_t c = 0;
        for (int b = 0; b < bits; ++b) {
            const int64_t pos = bitOffset + i * bits + b;
            c = static_cast<uint8_t>(c | (((in[pos / 8] >> (pos % 8)) & 1) << b));
        }
        codes[i] = c;
    }
}

void packBitsFast(const uint8_t* codes, int64_t count, int bits, uint8_t* out, int64_t bitOffset) {
    const uint32_t mask = (1u << bits) - 1;
    int64_t i = 0;
    int64_t pos = bitOffset;
    // Head: single codes until the stream is byte aligned (at most 7).
    while (i < count && (pos & 7) != 0) {
        putCode(out, pos, codes[i] & mask, bits);
        ++i;
        pos += bits;
    }
    const int64_t octets = (count - i) / 8;
    packAligned(codes + i, octets, bits, out + (pos >> 3));
    i += 8 * octets;
    pos += 8 * octets * bits;
    for (; i < count; ++i, pos += bits) putCode(out, pos, codes[i] & mask, bits);
}

void unpackBitsFast(const uint8_t* in, int64_t count, int bits, uint8_t* codes, int64_t bitOffset) {
    int64_t i = 0;
    int64_t pos = bitOffset;
    while (i < count && (pos & 7) != 0) {
        codes[i] = getCode(in, pos, bits);
        ++i;
        pos += bits;
    }
    const int64_t octets = (count - i) / 8;
    unpackAligned(in + (pos >> 3), octets, bits, codes + i);
    i += 8 * octets;
    pos += 8 * octets * bits;
    for (; i < count; ++i, pos += bits) codes[i] = getCode(in, pos, bits);
}

void packTritsReference(const uint8_t* codes, int64_t count, uint8_t* out, int64_t tritOffset) {
    for (int64_t i = 0; i < count; ++i) {
        const int64_t pos = tritOffset + i;
        out[pos / kTritsPerByte] = static_cast<uint8_t>(out[pos / kTritsPerByte] + codes[i] * kPow3[pos % kTritsPerByte]);
    }
}

void unpackTritsReference(const uint8_t* in, int64_t count, uint8_t* codes, int64_t tritOffset) {
    for (int64_t i = 0; i < count; ++i) {
        const int64_t pos = tritOffset + i;
        int v = in[pos / kTritsPerByte];
        for (int64_t k = 0; k < pos % kTritsPerByte; ++k) v /= 3;
        codes[i] = static_cast<uint8_t>(v % 3);
    }
}

void packTritsFast(const uint8_t* codes, int64_t count, uint8_t* out, int64_t tritOffset) {
    int64_t i = 0;
    int64_t pos = tritOffset;
    for (; i < count && pos % kTritsPerByte != 0; ++i, ++pos)
        out[pos / kTritsPerByte] = static_cast<uint8_t>(out[pos / kTritsPerByte] + codes[i] * kPow3[pos % kTritsPerByte]);
    const int64_t whole = (count - i) / kTritsPerByte;
    uint8_t* o = out + pos / kTritsPerByte;
    const uint8_t* c = codes + i;
    for (int64_t j = 0; j < whole; ++j, c += kTritsPerByte)
        o[j] = static_cast<uint8_t>(c[0] + 3 * c[1] + 9 * c[2] + 27 * c[3] + 81 * c[4]);
    i += kTritsPerByte * whole;
    pos += kTritsPerByte * whole;
    for (; i < count; ++i, ++pos)
        out[pos / kTritsPerByte] = static_cast<uint8_t>(out[pos / kTritsPerByte] + codes[i] * kPow3[pos % kTritsPerByte]);
}

void unpackTritsFast(const uint8_t* in, int64_t count, uint8_t* codes, int64_t tritOffset) {
    int64_t i = 0;
    int64_t pos = tritOffset;
    for (; i < count && pos % kTritsPerByte != 0; ++i, ++pos)
        codes[i] = kTritTable.trits[in[pos / kTritsPerByte]][pos % kTritsPerByte];
    const int64_t whole = (count - i) / kTritsPerByte;
    const uint8_t* src = in + pos / kTritsPerByte;
    for (int64_t j = 0; j < whole; ++j) std::memcpy(codes + i + kTritsPerByte * j, kTritTable.trits[src[j]], kTritsPerByte);
    i += kTritsPerByte * whole;
    pos += kTritsPerByte * whole;
    for (; i < count; ++i, ++pos) codes[i] = kTritTable.trits[in[pos / kTritsPerByte]][pos % kTritsPerByte];
}

}  // namespace pareto::detail
