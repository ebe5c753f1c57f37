// SPDX-License-Identifier: Apache-2.0
// Automatic mixed precision: the knapsack is optimal and monotone, the budget holds in real bytes.
#include "compress/automixedprecision.h"
#include "model/tinyvae.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <limits>
#include <random>

using namespace pareto;

namespace {

Dataset noiseImages(int n) {
    at::Generator gen = at::detail::createCPUGenerator(9);
    Dataset d;
    d = Dataset::fromImages(at::rand({n, 1, 64, 64}, gen));
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "noise";
    return d;
}

std::vector<QuantScheme> schemes(const std::vector<std::string>& s) {
    std::vector<QuantScheme> out;
    for (const auto& x : s) out.push_back(*QuantScheme::parse(x));
    return out;
}

// Scalar reference: every combination.
double bruteForceBest(const std::vector<LayerOptions>& layers, int64_t fixed, int64_t budget) {
    double best = std::numeric_limits<double>::infinity();
    std::vector<size_t> idx(layers.size(), 0);
    while (true) {
        int64_t b = fixed;
        double d = 0;
        for (size_t i = 0; i < layers.size(); ++i) {
            b += layers[i].bytes[idx[i]];
            d += layers[i].deltaMse[idx[i]];
        }
        if (b <= budget) best = std::min(best, d);
        size_t i = 0;
        while (i < layers.size() && ++idx[i] == layers[i].bytes.size()) idx[i++] = 0;
        if (i == layers.size()) break;
    }
    return best;
}

}  // namespace

class TestAutoMixedPrecision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knapsackMatchesBruteForce();
    void largerBudgetNeverWorse();
    void impossibleBudgetNamesTheMinimum();
    void endToEndRespectsRealBytes();
    void cancelIsNotAnError();
};

void TestAutoMixedPrecision::knapsackMatchesBruteForce() {
    std::mt19937 rng(1);
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<LayerOptions> layers(4);
        for (auto& l : layers) {
            l.name = "l";
            for (int c = 0; c < 3; ++c) {
                l.bytes.push_back(10 + static_cast<int64_t>(rng() % 200));
                l.deltaMse.push_back(static_cast<double>(rng() % 1000) / 1e4);
            }
        }
        const int64_t budget = 100 + static_cast<int64_t>(rng() % 600);
        auto sel = chooseSchemes(layers, 50, budget);
        const double best = bruteForceBest(layers, 50, budget);
        if (std::isinf(best)) {
            QVERIFY(!sel.ok());
            continue;
        }
        QVERIFY(sel.ok());
        QVERIFY(sel->bytes <= budget);
        // Small byte ranges fit in the buckets exactly, so the DP is exactly optimal.
        QVERIFY2(std::abs(sel->predictedDeltaMse - best) < 1e-12, qPrintable(QString::number(trial)));
    }
}

void TestAutoMixedPrecision::largerBudgetNeverWorse() {
    std::mt19937 rng(2);
    std::vector<LayerOptions> layers(12);
    for (auto& l : layers) {
        l.name = "l";
        for (int c = 0; c < 6; ++c) {
            l.bytes.push_back(1000 + static_cast<int64_t>(rng() % 40000));
            l.deltaMse.push_back(static_cast<double>(rng() % 1000) / 1e5);
        }
    }
    double previous = std::numeric_limits<double>::infinity();
    int64_t minBytes = 0;
    for (int64_t budget = 0; budget <= 600000; budget += 2500) {
        auto sel = chooseSchemes(layers, 777, budget);
        if (!sel.ok()) continue;
        minBytes = sel->minBytes;
        QVERIFY(sel->bytes <= budget);
        QVERIFY(sel->predictedDeltaMse <= previous);
        previous = sel->predictedDeltaMse;
    }
    QVERIFY(minBytes > 0 && std::isfinite(previous));
}

void TestAutoMixedPrecision::impossibleBudgetNamesTheMinimum() {
    std::vector<LayerOptions> layers{{"a", {100, 50}, {0.0, 0.1}}, {"b", {80, 40}, {0.0, 0.2}}};
    auto sel = chooseSchemes(layers, 10, 99);
    QVERIFY(!sel.ok());
    QVERIFY2(sel.error().message.find("100 bytes") != std::string::npos, sel.error().message.c_str());
    auto ok = chooseSchemes(layers, 10, 100);
    QVERIFY(ok.ok());
    QCOMPARE(ok->bytes, int64_t(100));

    // End to end: a budget below the smallest model fails with the minimum in the message.
    const TinyVae base = TinyVae::randomInit({1, 8}, 5);
    auto r = autoMixedPrecision(base, noiseImages(4), 1000, schemes({"int8", "int4"}), 4);
    QVERIFY(!r.ok() && !r.error().isCancelled());
    QVERIFY2(r.error().message.find("smallest configuration") != std::string::npos, r.error().message.c_str());
}

void TestAutoMixedPrecision::endToEndRespectsRealBytes() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 5);
    const Dataset data = noiseImages(8);
    const auto cands = schemes({"fp16", "int8", "int4", "int2-g64"});
    const int64_t fp32Bytes = base.info().fp32Bytes();
    double previous = std::numeric_limits<double>::infinity();
    for (const double frac : {0.12, 0.2, 0.35}) {
        const int64_t budget = static_cast<int64_t>(frac * static_cast<double>(fp32Bytes));
        auto r = autoMixedPrecision(base, data, budget, cands, 4);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QVERIFY(r->size.bytes <= budget);           // the real, measured bytes
        QCOMPARE(r->size.bytes, r->predictedBytes);  // per-tensor sizes add up
        QVERIFY(r->predictedDeltaMse <= previous);
        previous = r->predictedDeltaMse;
        QCOMPARE(r->choices.size(), r->map.rules().size());
        QCOMPARE(r->deltaVsFp32.mse.estimate.n, int64_t(8));
        QVERIFY(std::abs(r->deltaVsFp32.mse.estimate.mean - (r->measured.mse.mean - r->fp32.mse.mean)) < 1e-12);
        // The written map reads back as the same map.
        auto back = PrecisionMap::fromJson(r->map.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->rules().size(), r->map.rules().size());
        QCOMPARE(back->rules().front().pattern, r->choices.front().name);
    }
}

void TestAutoMixedPrecision::cancelIsNotAnError() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 5);
    const ProgressSink stop([](double f, const std::string&) { return f < 0.3; });
    auto r = autoMixedPrecision(base, noiseImages(4), 1 << 30, schemes({"int8", "int4"}), 4, stop);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestAutoMixedPrecision)
#include "tst_automixedprecision.moc"
