// SPDX-License-Identifier: Apache-2.0
// Sweep rows one at a time (what the studio streams) are exactly sweepSchemes()'s rows.
#include "compress/schemesweep.h"
#include "compress/sweeprow.h"
#include "model/tinyvae.h"
#include "noiseimages.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace pareto;

namespace {

Dataset noiseImages(int n) { return test::noiseImages(n, 11); }

}  // namespace

class TestSweepRow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsEqualSweepSchemes();
    void labelsAndFp32Plans();
    void wrongFp32LengthIsAnError();
    void cancelIsReported();
};

void TestSweepRow::rowsEqualSweepSchemes() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    const Dataset data = noiseImages(9);
    const MeanImage mean{data.all().mean(0), "noise mean"};
    auto plans = plansFromSchemes({"int8", "int4-g64", "nf4"});
    QVERIFY(plans.ok());
    auto sweep = sweepSchemes(base, *plans, data, mean, 4);
    QVERIFY2(sweep.ok(), sweep.ok() ? "" : sweep.error().message.c_str());

    auto fp32 = evaluateWithBaseline(base, data, mean, 4);
    QVERIFY(fp32.ok());
    std::vector<SweepRow> rows;
    auto first = fp32SweepRow(base, *fp32);
    QVERIFY(first.ok());
    rows.push_back(*first);
    std::vector<std::string> warnings;
    for (const auto& p : *plans) {
        auto r = measureSweepRow(base, p, data, fp32->perImage, 4, {}, &warnings);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QVERIFY(!r->pareto);  // the front is the table's, not the row's
        rows.push_back(*r);
    }
    markParetoFront(rows);
    QCOMPARE(rows.size(), sweep->rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i].scheme, sweep->rows[i].scheme);
        QCOMPARE(rows[i].size.bytes, sweep->rows[i].size.bytes);
        QCOMPARE(rows[i].metrics.mse.mean, sweep->rows[i].metrics.mse.mean);
        QCOMPARE(rows[i].metrics.mse.lo, sweep->rows[i].metrics.mse.lo);
        QCOMPARE(rows[i].deltaVsFp32.mse.estimate.hi, sweep->rows[i].deltaVsFp32.mse.estimate.hi);
        QCOMPARE(rows[i].pareto, sweep->rows[i].pareto);
        QCOMPARE(rows[i].baseline, i == 0);
    }
}

void TestSweepRow::labelsAndFp32Plans() {
    QuantPlan p;
    p.defaultScheme = *QuantScheme::parse("int4-g64");
    QCOMPARE(sweepPlanLabel(p), std::string("int4-g64"));
    QVERIFY(!isPlainFp32Plan(p));
    p.precisionMap = *PrecisionMap::fromJson(R"([{"pattern": "*", "scheme": "int8"}])");
    QCOMPARE(sweepPlanLabel(p), std::string("int4-g64+map"));
    QuantPlan f;
    f.defaultScheme = QuantScheme::fp32();
    QVERIFY(isPlainFp32Plan(f));
    f.quantizeBiases = true;
    QVERIFY(!isPlainFp32Plan(f));
}

void TestSweepRow::wrongFp32LengthIsAnError() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    const Dataset data = noiseImages(5);
    PerImageMetrics short3;
    short3.mse = short3.psnr = short3.ssim = {0.1, 0.1, 0.1};
    QuantPlan p;
    auto r = measureSweepRow(base, p, data, short3, 4);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.find("3 images") != std::string::npos, r.error().message.c_str());
}

void TestSweepRow::cancelIsReported() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    const Dataset data = noiseImages(8);
    const MeanImage mean{data.all().mean(0), "noise mean"};
    auto fp32 = evaluateWithBaseline(base, data, mean, 4);
    QVERIFY(fp32.ok());
    const ProgressSink never([](double, const std::string&) { return false; });
    QuantPlan p;
    auto r = measureSweepRow(base, p, data, fp32->perImage, 4, never);
    QVERIFY(!r.ok() && r.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestSweepRow)
#include "tst_sweeprow.moc"
