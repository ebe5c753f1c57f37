// SPDX-License-Identifier: Apache-2.0
// The fast kernels against the scalar reference: bit-exact packed bytes, scales and
// zero-points, equal dequantized values, on random and adversarial tensors, every bit
// width, serial and parallel; NaN/Inf refused by both with the same message.
#include "quant/tensorquantizer.h"

#include "quanttestdata.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QtTest>

#include <limits>

using namespace pareto;

namespace {

void addRow(const QString& tensor, const QString& scheme, int axis = 0) {
    const QByteArray name = (scheme + ", " + tensor + (axis ? ", axis 1" : "")).toUtf8();
    QTest::newRow(name.constData()) << tensor << scheme << axis;
}

}  // namespace

class TestFastKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fastEqualsReference_data();
    void fastEqualsReference();
    void nonFiniteRefused_data();
    void nonFiniteRefused();
    void scaleOutOfFp16Range();
    void unzeroedBuffersAreFullyWritten();
};

void TestFastKernels::initTestCase() {
    // Two threads even on one core, so chunk boundaries between threads are exercised.
    at::set_num_threads(2);
}

void TestFastKernels::fastEqualsReference_data() {
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<int>("axis");
    const QStringList tensors = {"gaussian 16x300", "odd 7x37",   "single value", "column 13x1", "bias 37",
                                 "all-zero channel", "all zero",  "huge outlier", "ties",        "tiny values",
                                 "constant row",     "conv 8x3x3x3", "empty 0x5"};
    for (int bits = 2; bits <= 8; ++bits) {
        const QString b = QString("int%1").arg(bits);
        for (const QString& t : tensors) {
            addRow(t, b);
            addRow(t, b + "-g64");
            addRow(t, b + "-asym");
        }
        addRow("gaussian 16x300", b + "-tensor");
        addRow("gaussian 16x300", b + "-g32-asym");
        addRow("gaussian 16x300", b + "-g128");
        addRow("odd 7x37", b + "-g1");
        addRow("odd 7x37", b + "-g5-asym");
        addRow("conv 8x3x3x3", b + "-g64", 1);
        addRow("gaussian 64x1024", b);
        addRow("gaussian 64x1024", b + "-g64");
    }
    for (const QString& t : tensors) {
        addRow(t, "nf4");
        addRow(t, "ternary");
        addRow(t, "ternary-2bit");
        addRow(t, "fp16");
        addRow(t, "bf16");
        addRow(t, "fp32");
        addRow(t, "int4-g64-clip=mse");
        addRow(t, "int4-clip=p99");
        addRow(t, "int3-asym-clip=mse");
        addRow(t, "int5-g32-asym-clip=p90");
        addRow(t, "int4-scale=fp32");
        addRow(t, "int8-g64-scale=fp32");
    }
    addRow("gaussian 64x1024", "nf4");
    addRow("gaussian 64x1024", "nf4-g32");
    addRow("gaussian 64x1024", "ternary");
    addRow("gaussian 64x1024", "ternary-tensor");
    addRow("conv 8x3x3x3", "ternary", 1);
    addRow("conv 8x3x3x3", "nf4", 1);
    addRow("conv 8x3x3x3", "int4-asym", 1);
}

void TestFastKernels::fastEqualsReference() {
    QFETCH(QString, tensor);
    QFETCH(QString, scheme);
    QFETCH(int, axis);
    const at::Tensor w = test::makeTensor(tensor, 11);
    QVERIFY(w.defined());
    const at::Tensor before = w.clone();
    const auto s = QuantScheme::parse(scheme.toStdString());
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());

    const auto ref = quantizeTensor("t", w, *s, axis, {KernelPath::Reference, false});
    QVERIFY2(ref.ok(), ref.ok() ? "" : ref.error().message.c_str());
    for (bool parallel : {false, true}) {
        const auto fast = quantizeTensor("t", w, *s, axis, {KernelPath::Fast, parallel});
        QVERIFY2(fast.ok(), fast.ok() ? "" : fast.error().message.c_str());
        QVERIFY(fast->packed == ref->packed);
        QVERIFY(fast->scalesFp16 == ref->scalesFp16);
        QVERIFY(fast->scalesFp32 == ref->scalesFp32);
        QVERIFY(fast->zeroPoints == ref->zeroPoints);
        QCOMPARE(fast->bytes(), ref->bytes());
    }
    const at::Tensor dRef = dequantize(*ref, KernelPath::Reference);
    const at::Tensor dFast = dequantize(*ref, KernelPath::Fast);
    QVERIFY(dRef.defined());
    QCOMPARE(dRef.sizes().vec(), w.sizes().vec());
    QVERIFY(test::bitIdentical(dRef, dFast));
    QVERIFY(test::bitIdentical(w, before));  // the input is only read
}

void TestFastKernels::nonFiniteRefused_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<float>("bad");
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (const char* sch : {"int8", "int4-g64", "int3-asym", "int4-clip=mse", "int4-clip=p99", "nf4", "ternary", "fp16", "bf16", "fp32"}) {
        QTest::newRow(QByteArray(sch) + ", NaN") << QString(sch) << nan;
        QTest::newRow(QByteArray(sch) + ", +Inf") << QString(sch) << inf;
        QTest::newRow(QByteArray(sch) + ", -Inf") << QString(sch) << -inf;
    }
}

void TestFastKernels::nonFiniteRefused() {
    QFETCH(QString, scheme);
    QFETCH(float, bad);
    at::Tensor w = test::gaussian({9, 150}, 3);
    w[5][77] = bad;
    const auto s = QuantScheme::parse(scheme.toStdString());
    QVERIFY(s.ok());
    const auto ref = quantizeTensor("encoder.1.pointwise.weight", w, *s, 0, {KernelPath::Reference, false});
    const auto fast = quantizeTensor("encoder.1.pointwise.weight", w, *s, 0, {KernelPath::Fast, true});
    QVERIFY(!ref.ok());
    QVERIFY(!fast.ok());
    const QString msg = QString::fromStdString(fast.error().message);
    QCOMPARE(msg, QString::fromStdString(ref.error().message));
    QVERIFY2(msg.contains("'encoder.1.pointwise.weight'"), qPrintable(msg));
    QVERIFY2(msg.contains("non-finite"), qPrintable(msg));
    QVERIFY2(msg.contains(QString("element %1").arg(5 * 150 + 77)), qPrintable(msg));
}

void TestFastKernels::scaleOutOfFp16Range() {
    // max|w| / 1 beyond 65504 cannot be an FP16 scale: a clear error, and fp32 scales work.
    const at::Tensor w = at::full({2, 8}, 1.0e6f);
    for (KernelPath p : {KernelPath::Reference, KernelPath::Fast}) {
        const auto r = quantizeTensor("big", w, QuantScheme::integer(2), 0, {p, false});
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains("scale=fp32"), r.error().message.c_str());
        auto s32 = QuantScheme::integer(2);
        s32.scaleDtype = ScaleDtype::Fp32;
        const auto ok = quantizeTensor("big", w, s32, 0, {p, false});
        QVERIFY(ok.ok());
        QVERIFY(at::equal(dequantize(*ok, p), w));
    }
    const auto h = quantizeTensor("big", w, QuantScheme::fp16());
    QVERIFY(!h.ok());
    QVERIFY2(QString::fromStdString(h.error().message).contains("overflows FP16"), h.error().message.c_str());
}

void TestFastKernels::unzeroedBuffersAreFullyWritten() {
    // With rows of whole bytes the fast path skips zeroing the packed buffer. Leave dirty
    // memory of the right size in the heap first, so a byte it forgot would show.
    const at::Tensor w = test::makeTensor("gaussian 64x1024", 21);
    for (const char* sch : {"int8", "int7", "int4-g64", "int3-g32", "int2", "nf4", "ternary", "ternary-2bit", "fp16", "bf16"}) {
        const auto s = *QuantScheme::parse(sch);
        const auto ref = quantizeTensor("w", w, s, 0, {KernelPath::Reference, false});
        QVERIFY(ref.ok());
        for (int round = 0; round < 3; ++round) {
            { std::vector<uint8_t> dirty(ref->packed.size(), static_cast<uint8_t>(0xA5 + round)); QVERIFY(dirty[0] != 0); }
            const auto fast = quantizeTensor("w", w, s, 0, {KernelPath::Fast, round == 1});
            QVERIFY(fast.ok());
            QVERIFY2(fast->packed == ref->packed, sch);
        }
    }
}

QTEST_GUILESS_MAIN(TestFastKernels)
#include "tst_fastkernels.moc"
