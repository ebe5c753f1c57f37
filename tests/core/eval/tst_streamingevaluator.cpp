// SPDX-License-Identifier: Apache-2.0
// Streaming evaluation: updates per chunk over a growing prefix, and a last update equal to
// evaluateModel()/summarize() on the whole set, bit for bit.
#include "eval/streamingevaluator.h"
#include "model/tinyvae.h"
#include "noiseimages.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace pareto;

namespace {

Dataset noiseImages(int n) { return test::noiseImages(n, 7); }

}  // namespace

class TestStreamingEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void chunks_data();
    void chunks();
    void pairedDeltaAgainstReference();
    void cancelStopsBetweenBatches();
    void badInputs();
};

void TestStreamingEvaluator::chunks_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("chunk");
    QTest::addColumn<QVector<int>>("done");
    QTest::newRow("chunk of two batches, short tail") << 11 << 3 << 6 << QVector<int>{6, 11};
    QTest::newRow("chunk rounded up to whole batches") << 10 << 4 << 5 << QVector<int>{8, 10};
    QTest::newRow("one chunk holds everything") << 7 << 4 << 100 << QVector<int>{7};
    QTest::newRow("chunk of one batch") << 9 << 3 << 1 << QVector<int>{3, 6, 9};
}

void TestStreamingEvaluator::chunks() {
    QFETCH(int, n);
    QFETCH(int, batch);
    QFETCH(int, chunk);
    QFETCH(QVector<int>, done);
    const TinyVae model = TinyVae::randomInit({1, 4}, 2);
    const Dataset data = noiseImages(n);
    QVector<int> seen;
    MetricSummary last;
    auto r = evaluateStreaming(
        model, data,
        [&](const StreamingUpdate& u) {
            seen << static_cast<int>(u.done);
            QCOMPARE(u.total, int64_t(n));
            QCOMPARE(static_cast<int64_t>(u.perImage->size()), u.done);
            QCOMPARE(u.running.mse.n, u.done);
            QVERIFY(!u.hasDelta);
            last = u.running;
        },
        nullptr, batch, chunk);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(seen, done);
    auto whole = evaluateModel(model, data, batch);
    QVERIFY(whole.ok());
    QCOMPARE(r->mse, whole->mse);
    QCOMPARE(r->ssim, whole->ssim);
    const MetricSummary s = summarize(*whole);
    QCOMPARE(last.mse.mean, s.mse.mean);
    QCOMPARE(last.mse.lo, s.mse.lo);
    QCOMPARE(last.mse.hi, s.mse.hi);
    QCOMPARE(last.psnr.hi, s.psnr.hi);
}

void TestStreamingEvaluator::pairedDeltaAgainstReference() {
    const TinyVae a = TinyVae::randomInit({1, 4}, 2), b = TinyVae::randomInit({1, 4}, 3);
    const Dataset data = noiseImages(10);
    auto ref = evaluateModel(a, data, 4);
    QVERIFY(ref.ok());
    std::vector<DeltaEstimate> deltas;
    auto r = evaluateStreaming(
        b, data,
        [&](const StreamingUpdate& u) {
            QVERIFY(u.hasDelta);
            QCOMPARE(u.deltaVsReference.mse.estimate.n, u.done);
            deltas.push_back(u.deltaVsReference.mse);
        },
        &*ref, 4, 4);
    QVERIFY(r.ok());
    QCOMPARE(deltas.size(), size_t(3));
    const PairedDeltas whole = pairedDeltas(*ref, *r);
    QCOMPARE(deltas.back().estimate.mean, whole.mse.estimate.mean);
    QCOMPARE(deltas.back().estimate.lo, whole.mse.estimate.lo);
    QCOMPARE(deltas.back().significant, whole.mse.significant);
}

void TestStreamingEvaluator::cancelStopsBetweenBatches() {
    const TinyVae model = TinyVae::randomInit({1, 4}, 2);
    const Dataset data = noiseImages(12);
    CancelToken token = makeCancelToken();
    int updates = 0;
    auto r = evaluateStreaming(
        model, data,
        [&](const StreamingUpdate&) {
            ++updates;
            token->store(true);  // cancel after the first chunk
        },
        nullptr, 4, 4, ProgressSink({}, token));
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(updates, 1);
}

void TestStreamingEvaluator::badInputs() {
    const TinyVae model = TinyVae::randomInit({1, 4}, 2);
    Dataset empty;
    empty.identity = "nothing";
    auto e = evaluateStreaming(model, empty, {});
    QVERIFY(!e.ok());
    QVERIFY2(e.error().message.find("nothing") != std::string::npos, e.error().message.c_str());
    const Dataset data = noiseImages(3);
    PerImageMetrics two;
    two.mse = two.psnr = two.ssim = {0.1, 0.2};
    auto w = evaluateStreaming(model, data, {}, &two);
    QVERIFY(!w.ok());
    QVERIFY2(w.error().message.find("2 images") != std::string::npos, w.error().message.c_str());
    auto b = evaluateStreaming(model, data, {}, nullptr, 0);
    QVERIFY(!b.ok());
}

QTEST_GUILESS_MAIN(TestStreamingEvaluator)
#include "tst_streamingevaluator.moc"
