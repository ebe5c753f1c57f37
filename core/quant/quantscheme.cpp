// SPDX-License-Identifier: Apache-2.0
#include "quant/quantscheme.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace pareto {
namespace {

std::vector<std::string> splitDash(const std::string& s) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : s) {
        if (c == '-') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    return parts;
}

bool parseInt(const std::string& s, int64_t& out) {
    if (s.empty()) return false;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && p == end;
}

bool parseDouble(const std::string& s, double& out) {
    if (s.empty()) return false;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && p == end && std::isfinite(out);
}

// Shortest text that reads back to the same double, so toString/parse round-trips.
std::string formatDouble(double v) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, p) : std::to_string(v);
}

Error bad(const std::string& text, const std::string& why) {
    return fail("invalid quantization scheme '" + text + "': " + why);
}

}  // namespace

QuantScheme QuantScheme::integer(int bits, Granularity g, int64_t group) {
    QuantScheme s;
    s.kind = QuantKind::Integer;
    s.bits = bits;
    s.granularity = g;
    s.groupSize = group;
    return s;
}

QuantScheme QuantScheme::nf4(int64_t block) {
    QuantScheme s;
    s.kind = QuantKind::NF4;
    s.bits = 4;
    s.granularity = Granularity::Group;
    s.groupSize = block;
    return s;
}

QuantScheme QuantScheme::ternary(TernaryPacking packing) {
    QuantScheme s;
    s.kind = QuantKind::Ternary;
    s.bits = 2;
    s.ternaryPacking = packing;
    return s;
}

int QuantScheme::storedBits() const {
    switch (kind) {
    case QuantKind::Float32: return 32;
    case QuantKind::Float16:
    case QuantKind::BFloat16: return 16;
    case QuantKind::Integer: return bits;
    case QuantKind::NF4: return 4;
    case QuantKind::Ternary: return 2;
    }
    return 32;
}

Status QuantScheme::validate() const {
    const std::string name = toString();
    switch (kind) {
    case QuantKind::Float32:
    case QuantKind::Float16:
    case QuantKind::BFloat16: return Status::success();
    case QuantKind::Integer:
        if (bits < 2 || bits > 8) return bad(name, "bits must be 2..8, got " + std::to_string(bits));
        if (granularity == Granularity::Group && groupSize < 1)
            return bad(name, "group size must be >= 1, got " + std::to_string(groupSize));
        if (clip == ClipMethod::Percentile && !(percentile > 0.0 && percentile <= 100.0))
            return bad(name, "percentile must be in (0, 100], got " + formatDouble(percentile));
        return Status::success();
    case QuantKind::NF4:
        if (groupSize < 1) return bad(name, "NF4 block size must be >= 1");
        if (!symmetric || clip != ClipMethod::MinMax) return bad(name, "NF4 uses absmax blocks only");
        return Status::success();
    case QuantKind::Ternary:
        if (granularity == Granularity::Group) return bad(name, "ternary scales are per channel or per tensor");
        if (!symmetric || clip != ClipMethod::MinMax) return bad(name, "ternary uses the absmean scale only");
        return Status::success();
    }
    return bad(name, "unknown kind");
}

Result<QuantScheme> QuantScheme::parse(const std::string& text) {
    if (text == "fp32") return fp32();
    if (text == "fp16") return fp16();
    if (text == "bf16") return bf16();

    const std::vector<std::string> parts = splitDash(text);
    const std::string& base = parts.front();
    QuantScheme s;
    if (base == "nf4") {
        s = nf4();
    } else if (base == "ternary") {
        s = ternary();
    } else if (base.size() == 4 && base.compare(0, 3, "int") == 0 && base[3] >= '2' && base[3] <= '8') {
        s = integer(base[3] - '0');
    } else {
        return bad(text, "unknown base '" + base + "' (expected fp32, fp16, bf16, int2..int8, nf4 or ternary)");
    }

    bool seenGran = false, seenSym = false, seenClip = false, seenScale = false, seenPack = false;
    auto once = [](bool& seen) {
        const bool first = !seen;
        seen = true;
        return first;
    };
    for (size_t i = 1; i < parts.size(); ++i) {
        const std::string& opt = parts[i];
        const bool isInt = s.kind == QuantKind::Integer;
        const bool isTern = s.kind == QuantKind::Ternary;
        int64_t n = 0;
        if (opt.empty()) return bad(text, "empty option");
        if ((isInt || isTern) && (opt == "channel" || opt == "tensor")) {
            if (!once(seenGran)) return bad(text, "granularity given twice");
            s.granularity = opt == "channel" ? Granularity::PerChannel : Granularity::PerTensor;
        } else if ((isInt || s.kind == QuantKind::NF4) && opt[0] == 'g' && parseInt(opt.substr(1), n)) {
            if (!once(seenGran)) return bad(text, "granularity given twice");
            if (n < 1) return bad(text, "group size must be >= 1, got " + std::to_string(n));
            s.granularity = Granularity::Group;
            s.groupSize = n;
        } else if (isInt && (opt == "sym" || opt == "asym")) {
            if (!once(seenSym)) return bad(text, "symmetry given twice");
            s.symmetric = opt == "sym";
        } else if (isInt && opt.compare(0, 5, "clip=") == 0) {
            if (!once(seenClip)) return bad(text, "clip given twice");
            const std::string v = opt.substr(5);
            double p = 0;
            if (v == "minmax") {
                s.clip = ClipMethod::MinMax;
            } else if (v == "mse") {
                s.clip = ClipMethod::Mse;
            } else if (v == "percentile") {
                s.clip = ClipMethod::Percentile;
            } else if (v.size() > 1 && v[0] == 'p' && parseDouble(v.substr(1), p)) {
                s.clip = ClipMethod::Percentile;
                s.percentile = p;
            } else {
                return bad(text, "unknown clip '" + v + "' (minmax, mse, percentile or pNN.NN)");
            }
        } else if (opt.compare(0, 6, "scale=") == 0) {
            if (!once(seenScale)) return bad(text, "scale given twice");
            const std::string v = opt.substr(6);
            if (v == "fp16") s.scaleDtype = ScaleDtype::Fp16;
            else if (v == "fp32") s.scaleDtype = ScaleDtype::Fp32;
            else return bad(text, "unknown scale dtype '" + v + "' (fp16 or fp32)");
        } else if (isTern && (opt == "2bit" || opt == "base3")) {
            if (!once(seenPack)) return bad(text, "packing given twice");
            s.ternaryPacking = opt == "2bit" ? TernaryPacking::TwoBit : TernaryPacking::Base3;
        } else {
            return bad(text, "unknown option '" + opt + "' for " + base);
        }
    }
    if (Status st = s.validate(); !st) return st.error();
    return s;
}

std::string QuantScheme::toString() const {
    std::string out;
    switch (kind) {
    case QuantKind::Float32: return "fp32";
    case QuantKind::Float16: return "fp16";
    case QuantKind::BFloat16: return "bf16";
    case QuantKind::Integer:
        out = "int" + std::to_string(bits);
        if (granularity == Granularity::PerTensor) out += "-tensor";
        else if (granularity == Granularity::Group) out += "-g" + std::to_string(groupSize);
        if (!symmetric) out += "-asym";
        if (clip == ClipMethod::Mse) out += "-clip=mse";
        else if (clip == ClipMethod::Percentile) out += "-clip=p" + formatDouble(percentile);
        break;
    case QuantKind::NF4:
        out = "nf4";
        if (groupSize != 64) out += "-g" + std::to_string(groupSize);
        break;
    case QuantKind::Ternary:
        out = "ternary";
        if (ternaryPacking == TernaryPacking::TwoBit) out += "-2bit";
        if (granularity == Granularity::PerTensor) out += "-tensor";
        break;
    }
    if (scaleDtype == ScaleDtype::Fp32) out += "-scale=fp32";
    return out;
}

bool QuantScheme::operator==(const QuantScheme& o) const {
    if (kind != o.kind) return false;
    switch (kind) {
    case QuantKind::Float32:
    case QuantKind::Float16:
    case QuantKind::BFloat16: return true;
    case QuantKind::Integer:
        return bits == o.bits && symmetric == o.symmetric && granularity == o.granularity &&
               (granularity != Granularity::Group || groupSize == o.groupSize) && clip == o.clip &&
               (clip != ClipMethod::Percentile || percentile == o.percentile) && scaleDtype == o.scaleDtype;
    case QuantKind::NF4: return groupSize == o.groupSize && scaleDtype == o.scaleDtype;
    case QuantKind::Ternary:
        return ternaryPacking == o.ternaryPacking && granularity == o.granularity && scaleDtype == o.scaleDtype;
    }
    return false;
}

}  // namespace pareto
