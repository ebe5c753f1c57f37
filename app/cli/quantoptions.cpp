// SPDX-License-Identifier: Apache-2.0
#include "quantoptions.h"

#include <cstdlib>

namespace pareto::cli {

const char* kQuantOptionsHelp =
    "quantization (weight-only, on a copy; the FP32 model is measured beside it):\n"
    "  --quant S          fp32 | fp16 | bf16 | int2..int8 | nf4 | ternary, or a full scheme\n"
    "                     string such as int4-g64-asym-clip=mse (see the README)\n"
    "  --granularity G    channel (default) | tensor | group\n"
    "  --group-size N     group size (implies --granularity group unless given)\n"
    "  --asymmetric       zero-point per channel/group (default symmetric)\n"
    "  --clip C           minmax (default) | percentile[:P] (P default 99.99) | mse\n"
    "  --scale-dtype D    fp16 (default) | fp32 storage of the scales\n"
    "  --map FILE         precision map: JSON array of {\"pattern\": glob, \"scheme\": S}, first\n"
    "                     match wins; unmatched parameters take --quant (default int8)\n"
    "  --quantize-biases  also quantize biases and norm parameters (default: kept FP32)\n";

const std::set<std::string>& quantValueOptions() {
    static const std::set<std::string> s{"quant", "granularity", "group-size", "clip", "scale-dtype", "map"};
    return s;
}

const std::set<std::string>& quantFlagOptions() {
    static const std::set<std::string> s{"asymmetric", "quantize-biases"};
    return s;
}

Result<std::optional<QuantPlan>> quantPlanFromArgs(const Args& args) {
    bool any = args.flag("asymmetric") || args.flag("quantize-biases");
    for (const auto& o : quantValueOptions()) any = any || args.value(o).has_value();
    if (!any) return std::optional<QuantPlan>();

    QuantPlan plan;
    QuantScheme s = QuantScheme::integer(8);
    if (auto q = args.value("quant")) {
        auto parsed = QuantScheme::parse(*q);
        if (!parsed) return fail("--quant: " + parsed.error().message);
        s = *parsed;
    }
    const bool integer = s.kind == QuantKind::Integer;
    const auto needInteger = [&](const char* flag) -> Status {
        if (integer) return Status::success();
        return fail(std::string("--") + flag + " applies to integer schemes, not " + s.toString());
    };
    if (auto g = args.value("granularity")) {
        if (*g == "channel") s.granularity = Granularity::PerChannel;
        else if (*g == "tensor") s.granularity = Granularity::PerTensor;
        else if (*g == "group") s.granularity = Granularity::Group;
        else return fail("--granularity expects channel, tensor or group, got '" + *g + "'");
        if (s.kind == QuantKind::NF4) return fail("--granularity: NF4 is always block-wise (use --group-size)");
    }
    if (auto n = args.value("group-size")) {
        char* end = nullptr;
        const long long v = std::strtoll(n->c_str(), &end, 10);
        if (n->empty() || *end || v < 1) return fail("--group-size expects a positive integer, got '" + *n + "'");
        s.groupSize = v;
        if (!args.value("granularity") && s.kind == QuantKind::Integer) s.granularity = Granularity::Group;
    }
    if (args.flag("asymmetric")) {
        if (auto st = needInteger("asymmetric"); !st) return st.error();
        s.symmetric = false;
    }
    if (auto c = args.value("clip")) {
        if (auto st = needInteger("clip"); !st) return st.error();
        if (*c == "minmax") s.clip = ClipMethod::MinMax;
        else if (*c == "mse") s.clip = ClipMethod::Mse;
        else if (c->rfind("percentile", 0) == 0) {
            s.clip = ClipMethod::Percentile;
            if (c->size() > 10) {
                if ((*c)[10] != ':') return fail("--clip expects percentile:P, got '" + *c + "'");
                char* end = nullptr;
                const double p = std::strtod(c->c_str() + 11, &end);
                if (*end || !(p > 0 && p <= 100)) return fail("--clip percentile must be in (0, 100], got '" + *c + "'");
                s.percentile = p;
            }
        } else {
            return fail("--clip expects minmax, percentile[:P] or mse, got '" + *c + "'");
        }
    }
    if (auto d = args.value("scale-dtype")) {
        if (*d == "fp16") s.scaleDtype = ScaleDtype::Fp16;
        else if (*d == "fp32") s.scaleDtype = ScaleDtype::Fp32;
        else return fail("--scale-dtype expects fp16 or fp32, got '" + *d + "'");
    }
    if (auto st = s.validate(); !st) return fail("--quant " + s.toString() + ": " + st.error().message);
    plan.defaultScheme = s;
    plan.quantizeBiases = args.flag("quantize-biases");
    if (auto m = args.value("map")) {
        auto map = PrecisionMap::loadFile(*m);
        if (!map) return map.error();
        plan.precisionMap = std::move(*map);
    }
    return std::optional<QuantPlan>(plan);
}

}  // namespace pareto::cli
