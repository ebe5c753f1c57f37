// SPDX-License-Identifier: Apache-2.0
// Device profiles and the memory fit estimate: the boards' figures, TinyVAE's activation
// sizes counted by hand from its shapes, and the fit arithmetic.
#include "export/deviceprofile.h"
#include "export/fitestimate.h"
#include "model/tinyvae.h"

#include <QtTest>

using namespace pareto;

namespace {

TinyVae tinyVae(int64_t channels, int64_t latent) {
    return TinyVae::randomInit({channels, latent}, 1);
}

}  // namespace

class TestDeviceProfile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void profiles_data();
    void profiles();
    void unknownProfile();
    void activationsFromShapes_data();
    void activationsFromShapes();
    void fitArithmetic_data();
    void fitArithmetic();
    void maxBatchIsTheLargestThatFits();
    void fp16HalvesWeightsAndActivations();
};

void TestDeviceProfile::profiles_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("gib");
    QTest::addColumn<int>("trtMajor");
    QTest::addColumn<bool>("int8");
    QTest::addColumn<bool>("int4");
    QTest::newRow("Jetson Nano 4 GB: Maxwell, TensorRT 8, no INT8") << "jetson-nano-4gb" << qint64(4) << 8 << false << false;
    QTest::newRow("Orin Nano 8 GB") << "orin-nano-8gb" << qint64(8) << 10 << true << true;
    QTest::newRow("Orin NX 16 GB") << "orin-nx-16gb" << qint64(16) << 10 << true << true;
    QTest::newRow("AGX Orin 64 GB") << "agx-orin-64gb" << qint64(64) << 10 << true << true;
}

void TestDeviceProfile::profiles() {
    QFETCH(QString, id);
    QFETCH(qint64, gib);
    QFETCH(int, trtMajor);
    QFETCH(bool, int8);
    QFETCH(bool, int4);
    const DeviceProfile* p = findDeviceProfile(id.toStdString());
    QVERIFY(p);
    QCOMPARE(p->memoryBytes, gib << 30);
    QCOMPARE(p->tensorRtMajor, trtMajor);
    QVERIFY(p->supports("fp32") && p->supports("fp16"));
    QCOMPARE(p->supports("int8"), int8);
    QCOMPARE(p->supports("int4-weight-only-matmul"), int4);
    QVERIFY(!p->supports("fp8"));
    QVERIFY(p->availableBytes() > 0 && p->availableBytes() < p->memoryBytes);
    QVERIFY(!p->name.empty() && !p->gpu.empty() && !p->jetpack.empty());
}

void TestDeviceProfile::unknownProfile() {
    QVERIFY(!findDeviceProfile("jetson-tx2"));
    QCOMPARE(deviceProfiles().size(), size_t(4));
    QCOMPARE(QString::fromStdString(deviceProfileIdList()), QString("jetson-nano-4gb, orin-nano-8gb, orin-nx-16gb, agx-orin-64gb"));
}

void TestDeviceProfile::activationsFromShapes_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("latent");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("peakPair");
    // By hand: input C*4096; encoder C*1024 + 3*16384 | 4096 + 3*8192 | 2048 + 3*4096; pool 4096;
    // mu + logvar 2L; decoder_input + ReLU 2*4096; decoder 2*8192 + 2*16384 + 2*C*4096.
    // Peak: the 16x32x32 pointwise -> norm pair, 2 * 16384 (or the C-channel pairs for big C).
    QTest::newRow("1 channel, L=16 (the demo)") << 1 << 16 << qint64(166944) << qint64(32768);
    QTest::newRow("3 channels, L=64 (SAGE)") << 3 << 64 << qint64(166944 + 2 * 4096 + 2 * 1024 + 4 * 4096 + 2 * 48) << qint64(32768);
}

void TestDeviceProfile::activationsFromShapes() {
    QFETCH(int, channels);
    QFETCH(int, latent);
    QFETCH(qint64, total);
    QFETCH(qint64, peakPair);
    const TinyVae c = tinyVae(channels, latent);
    bool complete = false;
    const auto acts = c.activations(&complete);
    QVERIFY(complete);
    qint64 sum = 0, peak = 0;
    for (size_t i = 0; i < acts.size(); ++i) {
        qint64 n = 1;
        for (int64_t d : acts[i].shape) n *= d;
        QCOMPARE(qint64(acts[i].elements), n);
        sum += n;
        if (i + 1 < acts.size()) peak = std::max<qint64>(peak, acts[i].elements + acts[i + 1].elements);
    }
    QCOMPARE(sum, total);
    QCOMPARE(peak, peakPair);
    QCOMPARE(QString::fromStdString(acts.front().name), QString("input"));
    QCOMPARE(acts.back().shape, (std::vector<int64_t>{channels, 64, 64}));
    const FitEstimate f = estimateFit(c, 1000, ModelPrecision::Fp32, *findDeviceProfile("orin-nano-8gb"), 1);
    QCOMPARE(qint64(f.activationBytesPerImage), 4 * total);
    QCOMPARE(qint64(f.peakActivationBytesPerImage), 4 * peakPair);
}

void TestDeviceProfile::fitArithmetic_data() {
    QTest::addColumn<QString>("profile");
    QTest::addColumn<qint64>("batch");
    QTest::addColumn<bool>("fits");
    QTest::newRow("Nano, batch 1") << "jetson-nano-4gb" << qint64(1) << true;
    QTest::newRow("Nano, batch 1000") << "jetson-nano-4gb" << qint64(1000) << true;
    QTest::newRow("Nano, batch 100000: activations alone exceed the board") << "jetson-nano-4gb" << qint64(100000) << false;
    QTest::newRow("AGX Orin, batch 50000") << "agx-orin-64gb" << qint64(50000) << true;
}

void TestDeviceProfile::fitArithmetic() {
    QFETCH(QString, profile);
    QFETCH(qint64, batch);
    QFETCH(bool, fits);
    const TinyVae c = tinyVae(1, 16);
    const DeviceProfile& p = *findDeviceProfile(profile.toStdString());
    const int64_t packed = 143005;
    const FitEstimate f = estimateFit(c, packed, ModelPrecision::Fp32, p, batch);
    QCOMPARE(f.params, c.info().params);
    QCOMPARE(f.runtimeWeightBytes, 4 * c.info().params);
    QCOMPARE(f.packedWeightBytes, packed);
    QCOMPARE(f.activationBytes, batch * f.activationBytesPerImage);
    QCOMPARE(f.requiredBytes, f.packedWeightBytes + f.runtimeWeightBytes + f.activationBytes + p.runtimeOverheadBytes);
    QCOMPARE(f.availableBytes, p.memoryBytes - p.osReservedBytes);
    QCOMPARE(f.headroomBytes, f.availableBytes - f.requiredBytes);
    QCOMPARE(f.fits, fits);
    QCOMPARE(f.warnings.empty(), fits && double(f.requiredBytes) <= kFitTightFraction * double(f.availableBytes));
    QVERIFY(QString::fromStdString(f.summary).startsWith(fits ? "fits " : "does not fit "));
}

void TestDeviceProfile::maxBatchIsTheLargestThatFits() {
    const TinyVae c = tinyVae(3, 64);
    for (const auto& p : deviceProfiles()) {
        const FitEstimate f = estimateFit(c, 500000, ModelPrecision::Fp32, p, 1);
        QVERIFY(f.maxBatch > 1);
        QVERIFY(estimateFit(c, 500000, ModelPrecision::Fp32, p, f.maxBatch).fits);
        QVERIFY(!estimateFit(c, 500000, ModelPrecision::Fp32, p, f.maxBatch + 1).fits);
    }
}

void TestDeviceProfile::fp16HalvesWeightsAndActivations() {
    const TinyVae c = tinyVae(1, 16);
    const DeviceProfile& p = *findDeviceProfile("orin-nx-16gb");
    const FitEstimate a = estimateFit(c, 1000, ModelPrecision::Fp32, p, 8);
    const FitEstimate b = estimateFit(c, 1000, ModelPrecision::Fp16, p, 8);
    QCOMPARE(b.runtimeWeightBytes * 2, a.runtimeWeightBytes);
    QCOMPARE(b.activationBytes * 2, a.activationBytes);
    QCOMPARE(b.packedWeightBytes, a.packedWeightBytes);
}

QTEST_GUILESS_MAIN(TestDeviceProfile)
#include "tst_deviceprofile.moc"
