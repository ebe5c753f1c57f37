// SPDX-License-Identifier: Apache-2.0
#include "compress/automixedprecision.h"

#include "compress/modelcompressor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace pareto {

const std::vector<std::string>& defaultAutoMpCandidates() {
    static const std::vector<std::string> c{"fp16", "int8", "int4-g64", "int4", "int3-g64", "int2-g64"};
    return c;
}

Result<SchemeSelection> chooseSchemes(const std::vector<LayerOptions>& layers, int64_t fixedBytes, int64_t budget) {
    const double inf = std::numeric_limits<double>::infinity();
    SchemeSelection sel;
    int64_t minTotal = fixedBytes, maxExtra = 0;
    std::vector<int64_t> minBytes;
    for (const auto& l : layers) {
        if (l.bytes.empty() || l.bytes.size() != l.deltaMse.size()) return fail(l.name + ": no candidate measured");
        const auto [lo, hi] = std::minmax_element(l.bytes.begin(), l.bytes.end());
        minBytes.push_back(*lo);
        minTotal += *lo;
        maxExtra += *hi - *lo;
    }
    sel.minBytes = minTotal;
    if (minTotal > budget)
        return fail("budget of " + std::to_string(budget) + " bytes is below the smallest configuration with these candidates: " +
                    std::to_string(minTotal) + " bytes (every layer at its cheapest candidate, biases and norms FP32)");

    // Bucket size fixed by the candidates alone, so the optimum is monotone in the budget.
    const int64_t bucket = std::max<int64_t>(1, (maxExtra + kAutoMpBuckets - 1) / kAutoMpBuckets);
    const int64_t capacity = std::min<int64_t>((budget - minTotal) / bucket, (maxExtra + bucket - 1) / bucket + static_cast<int64_t>(layers.size()));

    struct Cell {
        bool reachable = false;
        double delta = 0;
        int64_t bytes = 0;
    };
    const auto better = [](double d, int64_t b, const Cell& c) {
        if (!c.reachable) return true;
        return d < c.delta || (d == c.delta && b < c.bytes);
    };
    std::vector<Cell> dp(static_cast<size_t>(capacity + 1));
    dp[0].reachable = true;
    std::vector<std::vector<int>> pick(layers.size(), std::vector<int>(static_cast<size_t>(capacity + 1), -1));
    for (size_t i = 0; i < layers.size(); ++i) {
        std::vector<Cell> next(dp.size());
        const auto& l = layers[i];
        for (size_t c = 0; c < l.bytes.size(); ++c) {
            const int64_t extra = l.bytes[c] - minBytes[i];
            const int64_t cost = (extra + bucket - 1) / bucket;
            const double d = std::isnan(l.deltaMse[c]) ? inf : l.deltaMse[c];
            for (int64_t k = 0; k + cost <= capacity; ++k) {
                if (!dp[static_cast<size_t>(k)].reachable) continue;
                const double nd = dp[static_cast<size_t>(k)].delta + d;
                const int64_t nb = dp[static_cast<size_t>(k)].bytes + l.bytes[c];
                Cell& t = next[static_cast<size_t>(k + cost)];
                if (better(nd, nb, t)) {
                    t = {true, nd, nb};
                    pick[i][static_cast<size_t>(k + cost)] = static_cast<int>(c);
                }
            }
        }
        dp = std::move(next);
    }
    int64_t bestK = -1;
    for (int64_t k = 0; k <= capacity; ++k) {
        const Cell& c = dp[static_cast<size_t>(k)];
        if (c.reachable && (bestK < 0 || better(c.delta, c.bytes, dp[static_cast<size_t>(bestK)]))) bestK = k;
    }
    if (bestK < 0) return fail("no configuration fits the budget");  // cannot happen: all-cheapest fits

    // Walk back: the pick at (i, k) came from (i - 1, k - cost).
    sel.choice.assign(layers.size(), 0);
    int64_t k = bestK;
    for (size_t i = layers.size(); i-- > 0;) {
        const int c = pick[i][static_cast<size_t>(k)];
        sel.choice[i] = c;
        k -= (layers[i].bytes[static_cast<size_t>(c)] - minBytes[i] + bucket - 1) / bucket;
    }
    sel.bytes = fixedBytes;
    sel.predictedDeltaMse = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        sel.bytes += layers[i].bytes[static_cast<size_t>(sel.choice[i])];
        sel.predictedDeltaMse += layers[i].deltaMse[static_cast<size_t>(sel.choice[i])];
    }
    return sel;
}

Result<AutoMixedPrecision> autoMixedPrecision(const Model& baseline, const Dataset& calibration, int64_t budgetBytes,
                                              const std::vector<QuantScheme>& candidates, int batchSize,
                                              const ProgressSink& progress) {
    if (candidates.empty()) return fail("automatic mixed precision needs at least one candidate scheme");
    for (const auto& c : candidates)
        if (auto st = c.validate(); !st) return st.error();
    auto names = quantizableTensors(baseline);
    if (!names) return names.error();
    if (names->empty()) return fail("the model has no quantizable tensors");

    AutoMixedPrecision out;
    out.budgetBytes = budgetBytes;
    for (const auto& c : candidates) out.candidates.push_back(c.toString());

    auto fp32 = evaluateModel(baseline, calibration, batchSize, progress.sub(0.0, 0.05));
    if (!fp32) return fp32.error();
    out.fp32 = summarize(*fp32);

    const double per = 0.85 / static_cast<double>(candidates.size());
    for (size_t c = 0; c < candidates.size(); ++c) {
        auto s = measureLayerSensitivity(baseline, candidates[c], calibration, batchSize,
                                         progress.sub(0.05 + per * c, 0.05 + per * (c + 1)), &*fp32);
        if (!s) return s.error();
        out.sensitivity.push_back(std::move(*s));
    }

    // Options per layer in state-dict order; the rest of the model stays FP32.
    std::vector<LayerOptions> layers;
    int64_t allFp32 = -1, quantizableFp32 = 0;
    for (const auto& name : *names) {
        LayerOptions l;
        l.name = name;
        for (const auto& report : out.sensitivity) {
            const auto it = std::find_if(report.layers.begin(), report.layers.end(),
                                         [&](const LayerSensitivity& x) { return x.name == name; });
            if (it == report.layers.end()) return fail(name + ": not measured with " + report.scheme);
            l.bytes.push_back(it->bytes);
            l.deltaMse.push_back(it->deltaMse.estimate.mean);
            if (allFp32 < 0) allFp32 = it->modelBytes - it->bytes + it->fp32Bytes;
            if (&report == &out.sensitivity.front()) quantizableFp32 += it->fp32Bytes;
        }
        layers.push_back(std::move(l));
    }
    auto sel = chooseSchemes(layers, allFp32 - quantizableFp32, budgetBytes);
    out.minBytes = sel ? sel->minBytes : 0;
    if (!sel) return sel.error();
    out.predictedBytes = sel->bytes;
    out.predictedDeltaMse = sel->predictedDeltaMse;

    std::vector<PrecisionRule> rules;
    for (size_t i = 0; i < layers.size(); ++i) {
        const size_t c = static_cast<size_t>(sel->choice[i]);
        out.choices.push_back({layers[i].name, out.candidates[c], layers[i].bytes[c], layers[i].deltaMse[c]});
        rules.push_back({layers[i].name, candidates[c]});
    }
    out.map = PrecisionMap(std::move(rules));

    // Verify: the chosen configuration, quantized for real and measured on the same images.
    if (!progress.update(0.9, "automp verify")) return Error::cancelled();
    QuantPlan plan;
    plan.defaultScheme = QuantScheme::fp32();
    plan.precisionMap = out.map;
    auto compressed = compressModel(baseline, plan, progress.sub(0.9, 0.92));
    if (!compressed) return compressed.error();
    auto measured = evaluateModel(*compressed->model, calibration, batchSize, progress.sub(0.92, 1.0));
    if (!measured) return measured.error();
    out.size = std::move(compressed->quantized.size);
    out.warnings = std::move(compressed->quantized.warnings);
    out.measured = summarize(*measured);
    out.deltaVsFp32 = pairedDeltas(*fp32, *measured);
    if (out.size.bytes != out.predictedBytes)
        out.warnings.push_back("real size " + std::to_string(out.size.bytes) + " bytes differs from the predicted " +
                               std::to_string(out.predictedBytes));
    if (out.size.bytes > budgetBytes)
        return fail("the chosen configuration takes " + std::to_string(out.size.bytes) + " bytes, over the budget of " +
                    std::to_string(budgetBytes));
    progress.update(1.0, "automp done");
    return out;
}

}  // namespace pareto
