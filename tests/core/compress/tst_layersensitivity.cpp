// SPDX-License-Identifier: Apache-2.0
// Per-layer sensitivity: exactly one tensor quantized per row, paired against FP32.
#include "compress/layersensitivity.h"
#include "compress/modelcompressor.h"
#include "model/tinyvae.h"
#include "noiseimages.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

Dataset noiseImages(int n) { return test::noiseImages(n, 7); }

}  // namespace

class TestLayerSensitivity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void singleTensorPlanQuantizesOnlyThatTensor();
    void reportCoversEveryQuantizableTensor();
    void cancelIsNotAnError();
};

void TestLayerSensitivity::singleTensorPlanQuantizesOnlyThatTensor() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    auto names = quantizableTensors(base);
    QVERIFY(names.ok() && names->size() >= 4);
    const std::string target = (*names)[1];
    auto c = compressModel(base, singleTensorPlan(target, QuantScheme::integer(4)));
    QVERIFY(c.ok());
    QCOMPARE(c->quantized.tensors.size(), size_t(1));
    QCOMPARE(c->quantized.tensors[0].name, target);
    for (const auto& e : c->quantized.size.tensors)
        if (e.name != target && e.params > 0) QCOMPARE(e.bytes, 4 * e.params);
}

void TestLayerSensitivity::reportCoversEveryQuantizableTensor() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    const Dataset data = noiseImages(8);
    auto r = measureLayerSensitivity(base, QuantScheme::integer(2), data, 4);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->scheme, std::string("int2"));
    QCOMPARE(r->n, int64_t(8));
    QCOMPARE(r->layers.size(), quantizableTensors(base)->size());
    for (size_t i = 0; i < r->layers.size(); ++i) {
        const auto& l = r->layers[i];
        QVERIFY(l.bytes > 0 && l.bytes < l.fp32Bytes);
        QCOMPARE(l.bytesSaved, l.fp32Bytes - l.bytes);
        QCOMPARE(l.modelBytes, r->fp32ModelBytes - l.bytesSaved);
        QCOMPARE(l.deltaMse.estimate.n, int64_t(8));
        QVERIFY(std::abs(l.deltaMse.estimate.mean - (l.mse - r->fp32.mse.mean)) < 1e-12);
        QCOMPARE(l.deltaMse.significant, l.deltaMse.estimate.lo > 0 || l.deltaMse.estimate.hi < 0);
        if (i > 0) QVERIFY(r->layers[i - 1].deltaMse.estimate.mean >= l.deltaMse.estimate.mean);  // sorted, worst first
    }
    // Passing the FP32 numbers in gives the same report without measuring FP32 again.
    auto again = measureLayerSensitivity(base, QuantScheme::integer(2), data, 4, {}, &r->fp32PerImage);
    QVERIFY(again.ok());
    QCOMPARE(again->layers.front().name, r->layers.front().name);
    QCOMPARE(again->layers.front().deltaMse.estimate.mean, r->layers.front().deltaMse.estimate.mean);
}

void TestLayerSensitivity::cancelIsNotAnError() {
    const TinyVae base = TinyVae::randomInit({1, 8}, 4);
    const Dataset data = noiseImages(4);
    int layersStarted = 0;
    const ProgressSink stop([&](double, const std::string& stage) {
        if (stage.rfind("sensitivity ", 0) == 0 && stage != "sensitivity done") ++layersStarted;
        return layersStarted < 2;
    });
    auto r = measureLayerSensitivity(base, QuantScheme::integer(4), data, 4, stop);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(layersStarted, 2);  // stopped at the second layer, not after all of them
}

QTEST_GUILESS_MAIN(TestLayerSensitivity)
#include "tst_layersensitivity.moc"
