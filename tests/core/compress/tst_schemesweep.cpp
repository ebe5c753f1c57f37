// SPDX-License-Identifier: Apache-2.0
// A sweep measures FP32 once and every scheme on the same images; the Pareto front is exact.
#include "compress/schemesweep.h"
#include "model/tinyvae.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cmath>
#include <limits>

using namespace pareto;

using Points = std::vector<std::pair<int64_t, double>>;
using Flags = std::vector<bool>;
Q_DECLARE_METATYPE(Points)
Q_DECLARE_METATYPE(Flags)

namespace {

Dataset noiseImages(int n, int channels) {
    at::Generator gen = at::detail::createCPUGenerator(5);
    Dataset d;
    d = Dataset::fromImages(at::rand({n, channels, 64, 64}, gen));
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "noise";
    return d;
}

}  // namespace

class TestSchemeSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void paretoFrontRows_data();
    void paretoFrontRows();
    void sweepOnTinyVae();
    void badSchemeIsNamed();
    void cancelIsNotAnError();
};

void TestSchemeSweep::paretoFrontRows_data() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::addColumn<Points>("points");
    QTest::addColumn<Flags>("front");
    QTest::newRow("empty") << Points{} << Flags{};
    QTest::newRow("single point") << Points{{100, 0.5}} << Flags{true};
    QTest::newRow("dominated in both") << Points{{100, 0.1}, {200, 0.2}} << Flags{true, false};
    QTest::newRow("dominated, equal bytes") << Points{{100, 0.1}, {100, 0.2}} << Flags{true, false};
    QTest::newRow("dominated, equal mse") << Points{{100, 0.1}, {200, 0.1}} << Flags{true, false};
    QTest::newRow("exact tie: both on the front") << Points{{100, 0.1}, {100, 0.1}} << Flags{true, true};
    QTest::newRow("trade-off staircase") << Points{{400, 0.01}, {200, 0.02}, {100, 0.05}, {300, 0.03}, {50, 0.5}}
                                         << Flags{true, true, true, false, true};
    QTest::newRow("NaN mse never on the front") << Points{{10, nan}, {100, 0.1}} << Flags{false, true};
}

void TestSchemeSweep::paretoFrontRows() {
    QFETCH(Points, points);
    QFETCH(Flags, front);
    QCOMPARE(paretoFront(points), front);
}

void TestSchemeSweep::sweepOnTinyVae() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 3);
    const Dataset data = noiseImages(10, 1);
    const MeanImage mean{data.all().mean(0), "noise mean"};
    auto plans = plansFromSchemes({"int8", "int4", "int2", "fp32", "fp16"});
    QVERIFY(plans.ok());
    auto s = sweepSchemes(base, *plans, data, mean, 4);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());

    // FP32 row first, then the plans in order; the "fp32" plan is the baseline row, not a second pass: fp32, int8, int4, int2, fp16.
    QCOMPARE(s->rows.size(), size_t(5));
    QCOMPARE(s->rows[0].scheme, std::string("fp32"));
    QVERIFY(s->rows[0].baseline);
    QCOMPARE(s->rows[1].scheme, std::string("int8"));
    QCOMPARE(s->rows[3].scheme, std::string("int2"));
    QCOMPARE(s->rows[0].deltaVsFp32.mse.estimate.mean, 0.0);
    QVERIFY(!s->rows[0].deltaVsFp32.mse.significant);
    QCOMPARE(s->rows[0].size.bytes, s->rows[0].size.fp32Bytes);
    QCOMPARE(s->rows[0].metrics.mse.mean, s->fp32.summary.mse.mean);

    // Sizes from real bytes: int8 > int4 > int2.
    QVERIFY(s->rows[1].size.bytes > s->rows[2].size.bytes);
    QVERIFY(s->rows[2].size.bytes > s->rows[3].size.bytes);

    // One baseline for all rows: each delta is this row's MSE minus the same FP32 per-image numbers.
    auto plain = evaluateWithBaseline(base, data, mean, 4);
    QVERIFY(plain.ok());
    QCOMPARE(s->fp32.perImage.mse, plain->perImage.mse);
    for (const auto& r : s->rows) {
        QCOMPARE(r.deltaVsFp32.mse.estimate.n, int64_t(10));
        QVERIFY(std::abs(r.deltaVsFp32.mse.estimate.mean - (r.metrics.mse.mean - plain->summary.mse.mean)) < 1e-12);
    }

    // The flags are paretoFront over the rows.
    Points pts;
    for (const auto& r : s->rows) pts.emplace_back(r.size.bytes, r.metrics.mse.mean);
    const Flags front = paretoFront(pts);
    for (size_t i = 0; i < s->rows.size(); ++i) QCOMPARE(s->rows[i].pareto, bool(front[i]));
    QVERIFY(s->rows[3].pareto);  // the smallest row is always on the front
}

void TestSchemeSweep::badSchemeIsNamed() {
    auto plans = plansFromSchemes({"int4", "int9"});
    QVERIFY(!plans.ok());
    QVERIFY2(plans.error().message.find("int9") != std::string::npos, plans.error().message.c_str());
}

void TestSchemeSweep::cancelIsNotAnError() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 3);
    const Dataset data = noiseImages(4, 1);
    const MeanImage mean{data.all().mean(0), "noise mean"};
    // Cancel once the first configuration after FP32 starts.
    const ProgressSink stop([](double, const std::string& stage) { return stage.rfind("sweep int4", 0) != 0; });
    auto s = sweepSchemes(base, *plansFromSchemes({"int8", "int4", "int2"}), data, mean, 4, stop);
    QVERIFY(!s.ok());
    QVERIFY(s.error().isCancelled());
    const ProgressSink never([](double, const std::string&) { return false; });
    auto t = sweepSchemes(base, *plansFromSchemes({"int8"}), data, mean, 4, never);
    QVERIFY(!t.ok() && t.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestSchemeSweep)
#include "tst_schemesweep.moc"
