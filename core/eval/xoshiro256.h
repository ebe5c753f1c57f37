// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace pareto::detail {

/// @brief xoshiro256** (Blackman & Vigna), seeded through splitmix64.
///
/// Our own generator so that bootstrap CIs are bit-identical on every platform and
/// standard library: std::uniform_int_distribution and friends are implementation-defined.
/// Not thread-safe; each job owns its own instance.
class Xoshiro256 {
public:
    explicit Xoshiro256(uint64_t seed) {
        // splitmix64 spreads any seed (0 included) over the 256-bit state, as the authors advise.
        uint64_t x = seed;
        for (uint64_t& s : m_s) s = splitmix64(x);
    }

    uint64_t next() {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform integer in [0, n), n > 0, without modulo bias: values below 2^64 mod n are
    /// rejected so that every residue has the same number of preimages (portable, no 128-bit
    /// arithmetic needed).
    uint64_t index(uint64_t n) {
        const uint64_t threshold = (0 - n) % n;  // == 2^64 mod n
        for (;;) {
            const uint64_t r = next();
            if (r >= threshold) return r % n;
        }
    }

    /// Uniform double in [0, 1) from the top 53 bits.
    double uniform01() { return static_cast<double>(next() >> kDropBits) * kInv53; }

    /// The splitmix64 step: advances `state` and returns the next output.
    static uint64_t splitmix64(uint64_t& state) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

private:
    static constexpr int kDropBits = 64 - 53;
    static constexpr double kInv53 = 1.0 / 9007199254740992.0;  // 2^-53

    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    uint64_t m_s[4];
};

}  // namespace pareto::detail
