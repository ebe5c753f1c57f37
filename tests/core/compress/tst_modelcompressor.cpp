// SPDX-License-Identifier: Apache-2.0
// Compression keeps the baseline whole: separate weights, untouched numbers.
#include "compress/compressionevaluation.h"
#include "compress/modelcompressor.h"
#include "model/tinyvae.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace pareto;

namespace {

Dataset noiseImages(int n, int channels) {
    at::Generator gen = at::detail::createCPUGenerator(11);
    Dataset d;
    d = Dataset::fromImages(at::rand({n, channels, 64, 64}, gen));
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "noise";
    return d;
}

QuantPlan planFor(const char* scheme) {
    QuantPlan p;
    p.defaultScheme = *QuantScheme::parse(scheme);
    return p;
}

}  // namespace

class TestModelCompressor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void separateWeights_data();
    void separateWeights();
    void baselineNumbersUnchanged();
    void cancelIsNotAnError();
};

void TestModelCompressor::separateWeights_data() {
    QTest::addColumn<QString>("scheme");
    QTest::newRow("int8 per-channel") << "int8";
    QTest::newRow("int4 group 64") << "int4-g64";
    QTest::newRow("nf4") << "nf4";
    QTest::newRow("ternary") << "ternary";
    QTest::newRow("fp16 cast") << "fp16";
}

void TestModelCompressor::separateWeights() {
    QFETCH(QString, scheme);
    const TinyVae base = TinyVae::randomInit({3, 16}, 2);
    const StateDict before = base.weights().deepClone();
    auto c = compressModel(base, planFor(qPrintable(scheme)));
    QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
    const auto* q = dynamic_cast<const TinyVae*>(c->model.get());
    QVERIFY(q);
    bool anyDiffers = false;
    for (const auto& e : base.weights().entries()) {
        QVERIFY2(e.tensor.equal(before.get(e.name)), e.name.c_str());  // baseline untouched
        const at::Tensor mine = q->weights().get(e.name);
        QVERIFY(mine.storage().data() != e.tensor.storage().data());  // no shared storage
        anyDiffers = anyDiffers || !mine.equal(e.tensor);
    }
    QVERIFY(anyDiffers);
    QVERIFY(c->quantized.size.bytes < c->quantized.size.fp32Bytes);
}

void TestModelCompressor::baselineNumbersUnchanged() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 3);
    const Dataset data = noiseImages(12, 1);
    MeanImage mean{data.all().mean(0), "noise mean"};
    auto plain = evaluateWithBaseline(base, data, mean, 5);
    auto comp = evaluateCompression(base, planFor("int3"), data, mean, 5);
    QVERIFY(plain.ok() && comp.ok());
    QCOMPARE(comp->fp32.perImage.mse, plain->perImage.mse);
    QCOMPARE(comp->fp32.perImage.ssim, plain->perImage.ssim);
    QVERIFY(comp->compressedPerImage.mse != plain->perImage.mse);
    QCOMPARE(comp->deltaVsFp32.mse.estimate.n, int64_t(12));
}

void TestModelCompressor::cancelIsNotAnError() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 3);
    const ProgressSink stop([](double, const std::string&) { return false; });
    auto c = compressModel(base, planFor("int4"), stop);
    QVERIFY(!c.ok());
    QVERIFY(c.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestModelCompressor)
#include "tst_modelcompressor.moc"
