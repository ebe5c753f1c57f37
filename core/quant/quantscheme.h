// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a tensor is turned into: a cast, uniform integers, NF4 or ternary, with its
// granularity, clip calibration and scale storage. Filled from a scheme string or from
// CLI flags; plain value type, any thread.

#include "common/result.h"

#include <cstdint>
#include <string>

namespace pareto {

enum class QuantKind { Float32, Float16, BFloat16, Integer, NF4, Ternary };
enum class Granularity { PerTensor, PerChannel, Group };
enum class ClipMethod { MinMax, Percentile, Mse };
enum class ScaleDtype { Fp16, Fp32 };
enum class TernaryPacking { Base3, TwoBit };

/// @brief A weight-only quantization scheme.
///
/// Scheme strings (parse() accepts, toString() writes the canonical form, defaults left out):
/// @code
///   scheme  := "fp32" | "fp16" | "bf16"
///            | "int" BITS { "-" intopt }            BITS in 2..8
///            | "nf4" { "-" nf4opt }
///            | "ternary" { "-" ternopt }
///   intopt  := "channel" (default) | "tensor" | "g" N  (group size N >= 1)
///            | "sym" (default) | "asym" | clip | scale
///   nf4opt  := "g" N (block size, default 64) | scale
///   ternopt := "base3" (default: 5 trits per byte) | "2bit" | "channel" (default) | "tensor" | scale
///   clip    := "clip=minmax" (default) | "clip=mse" | "clip=percentile" (99.99)
///            | "clip=p" PERCENT (0 < PERCENT <= 100)
///   scale   := "scale=fp16" (default) | "scale=fp32"
/// @endcode
/// Examples: `int8`, `int4-tensor`, `int4-g64`, `int3-channel-asym`, `int4-g128-clip=mse`,
/// `int4-clip=p99.9-scale=fp32`, `nf4`, `ternary`, `ternary-2bit`. Options may come in any
/// order, each at most once; parse(toString(s)) == s for every valid s.
struct QuantScheme {
    QuantKind kind = QuantKind::Integer;
    int bits = 8;                  ///< Integer: 2..8. Derived for the others (see storedBits()).
    bool symmetric = true;         ///< Integer only; asymmetric stores a zero-point per block.
    Granularity granularity = Granularity::PerChannel;  ///< Integer/Ternary; NF4 is always Group.
    int64_t groupSize = 64;        ///< Group (Integer) and NF4 block size.
    ClipMethod clip = ClipMethod::MinMax;  ///< Integer only.
    double percentile = 99.99;     ///< ClipMethod::Percentile, of |w| (symmetric) per block.
    ScaleDtype scaleDtype = ScaleDtype::Fp16;
    TernaryPacking ternaryPacking = TernaryPacking::Base3;

    static QuantScheme fp32() { return make(QuantKind::Float32); }
    static QuantScheme fp16() { return make(QuantKind::Float16); }
    static QuantScheme bf16() { return make(QuantKind::BFloat16); }
    static QuantScheme integer(int bits, Granularity g = Granularity::PerChannel, int64_t group = 64);
    static QuantScheme nf4(int64_t block = 64);
    static QuantScheme ternary(TernaryPacking packing = TernaryPacking::Base3);

    /// Parses a scheme string; the error names the string and the offending part.
    static Result<QuantScheme> parse(const std::string& text);
    /// The canonical scheme string.
    std::string toString() const;
    /// Checks ranges and combinations (e.g. NF4 has no zero-point); names the problem.
    Status validate() const;

    /// True for schemes with scales and packed codes (not a plain float cast).
    bool isQuantized() const { return kind == QuantKind::Integer || kind == QuantKind::NF4 || kind == QuantKind::Ternary; }
    /// Bits per stored code: Integer bits, NF4 4, ternary 2 (2bit) - base-3 packs 5 codes per byte.
    int storedBits() const;
    /// Largest positive code of a symmetric integer scheme: 2^(bits-1) - 1.
    int qmax() const { return (1 << (bits - 1)) - 1; }

    bool operator==(const QuantScheme& o) const;
    bool operator!=(const QuantScheme& o) const { return !(*this == o); }

private:
    static QuantScheme make(QuantKind k) {
        QuantScheme s;
        s.kind = k;
        return s;
    }
};

}  // namespace pareto
