// SPDX-License-Identifier: Apache-2.0
// One tensor: per-bit-width error budgets, round half to even, the ConvTranspose axis,
// clip calibration, stored sizes, input never modified, errors.
#include "quant/blocklayout.h"
#include "quant/errorbudget.h"
#include "quant/rangecalibrator.h"
#include "quant/tensorquantizer.h"

#include "quanttestdata.h"

#include <ATen/ATen.h>
#include <c10/util/Half.h>

#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

double relRms(const at::Tensor& w, const at::Tensor& d) {
    return (w - d).pow(2).sum().sqrt().item<double>() / w.pow(2).sum().sqrt().item<double>();
}

// Largest |w - deq| of each block divided by that block's stored scale, in layout order.
std::vector<double> errorInSteps(const QuantizedTensor& q, const at::Tensor& w, const at::Tensor& d) {
    at::Tensor diff = (w - d).abs();
    if (q.layout.permuted) diff = diff.movedim(q.axis, 0);
    diff = diff.contiguous().reshape({q.layout.rows, q.layout.rowLength});
    std::vector<double> out;
    const int64_t bpr = q.layout.blocksPerRow();
    for (int64_t r = 0; r < q.layout.rows; ++r)
        for (int64_t b = 0; b < bpr; ++b) {
            const int64_t start = b * q.layout.blockSize;
            const int64_t len = std::min(q.layout.blockSize, q.layout.rowLength - start);
            const double m = diff[r].slice(0, start, start + len).max().item<double>();
            out.push_back(m / q.scale(r * bpr + b));
        }
    return out;
}

}  // namespace

class TestTensorQuantizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void relativeRmsBudget_data();
    void relativeRmsBudget();
    void maxAbsErrorBudget_data();
    void maxAbsErrorBudget();
    void roundHalfToEven();
    void fp16ScalesAreStored();
    void castsRoundHalfToEven();
    void convTransposeAxis();
    void percentileIsNumpyLinear_data();
    void percentileIsNumpyLinear();
    void clipCalibration();
    void storedBytes_data();
    void storedBytes();
    void inputUntouchedAndNotShared();
    void errors();
};

void TestTensorQuantizer::relativeRmsBudget_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<double>("budget");
    for (int b = 2; b <= 8; ++b) {
        QTest::newRow(qPrintable(QString("int%1 per channel").arg(b))) << QString("int%1").arg(b) << kRelRmsBudgetPerChannel[b];
        QTest::newRow(qPrintable(QString("int%1 group 64").arg(b))) << QString("int%1-g64").arg(b) << kRelRmsBudgetGroup64[b];
        QTest::newRow(qPrintable(QString("int%1 per channel asym").arg(b)))
            << QString("int%1-asym").arg(b) << kRelRmsBudgetAsymPerChannel[b];
    }
    QTest::newRow("nf4 block 64") << "nf4" << kRelRmsBudgetNf4;
    QTest::newRow("ternary base-3") << "ternary" << kRelRmsBudgetTernary;
    QTest::newRow("ternary 2bit") << "ternary-2bit" << kRelRmsBudgetTernary;
    QTest::newRow("fp16") << "fp16" << kRelRmsBudgetFp16;
    QTest::newRow("bf16") << "bf16" << kRelRmsBudgetBf16;
}

void TestTensorQuantizer::relativeRmsBudget() {
    QFETCH(QString, scheme);
    QFETCH(double, budget);
    const at::Tensor w = test::makeTensor("gaussian 64x1024", 5);
    const auto q = quantizeTensor("w", w, *QuantScheme::parse(scheme.toStdString()));
    QVERIFY(q.ok());
    const double e = relRms(w, dequantize(*q));
    qInfo("%s: relative RMS %.5f (budget %.5f)", qPrintable(scheme), e, budget);
    QVERIFY2(e <= budget, qPrintable(QString("%1 > %2").arg(e).arg(budget)));
}

void TestTensorQuantizer::maxAbsErrorBudget_data() {
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<QString>("scheme");
    const QStringList tensors = {"gaussian 16x300", "odd 7x37", "all-zero channel", "huge outlier", "ties",
                                 "tiny values", "constant row", "single value", "bias 37"};
    for (const QString& t : tensors)
        for (int b = 2; b <= 8; ++b)
            for (const char* suffix : {"", "-g64", "-tensor", "-asym", "-g32-asym"}) {
                const QString s = QString("int%1%2").arg(b).arg(suffix);
                QTest::newRow(qPrintable(s + ", " + t)) << t << s;
            }
    for (const QString& t : tensors) QTest::newRow(qPrintable("nf4, " + t)) << t << "nf4";
}

void TestTensorQuantizer::maxAbsErrorBudget() {
    QFETCH(QString, tensor);
    QFETCH(QString, scheme);
    const at::Tensor w = test::makeTensor(tensor, 9);
    const auto s = *QuantScheme::parse(scheme.toStdString());
    const auto q = quantizeTensor("w", w, s);
    QVERIFY(q.ok());
    const at::Tensor d = dequantize(*q);
    const double slackSteps = s.kind == QuantKind::NF4 ? kNf4MaxAbsErrorOfAbsmax * (1.0 + 1.0 / 1024)
                              : s.symmetric            ? kMaxAbsErrorSteps
                                                       : asymmetricMaxAbsErrorSteps(s.bits);
    const double slackAbs = kFloatSlack * w.abs().max().item<double>();
    const std::vector<double> steps = errorInSteps(*q, w, d);
    for (size_t b = 0; b < steps.size(); ++b) {
        const double bound = slackSteps + slackAbs / q->scale(static_cast<int64_t>(b));
        QVERIFY2(steps[b] <= bound, qPrintable(QString("block %1: %2 steps > %3").arg(b).arg(steps[b]).arg(bound)));
    }
}

void TestTensorQuantizer::roundHalfToEven() {
    // int4, rows of max 0.875: scale 0.125 exactly; k * 0.0625 is k/2 steps.
    const at::Tensor w = test::makeTensor("ties", 0);
    for (KernelPath p : {KernelPath::Reference, KernelPath::Fast}) {
        const auto q = quantizeTensor("ties", w, QuantScheme::integer(4), 0, {p, false});
        QVERIFY(q.ok());
        QCOMPARE(q->scale(0), 0.125f);
        const at::Tensor d = dequantize(*q, p)[0];
        const auto valueAt = [&](int k) { return d[k + 14].item<float>(); };  // input k * 0.0625
        QCOMPARE(valueAt(1), 0.0f);     // 0.5 -> 0
        QCOMPARE(valueAt(3), 0.25f);    // 1.5 -> 2
        QCOMPARE(valueAt(5), 0.25f);    // 2.5 -> 2
        QCOMPARE(valueAt(7), 0.5f);     // 3.5 -> 4
        QCOMPARE(valueAt(-3), -0.25f);  // -1.5 -> -2
        QCOMPARE(valueAt(-5), -0.25f);  // -2.5 -> -2
        QCOMPARE(valueAt(14), 0.875f);
        QCOMPARE(valueAt(-14), -0.875f);
    }
}

void TestTensorQuantizer::fp16ScalesAreStored() {
    const at::Tensor w = test::makeTensor("gaussian 16x300", 2);
    const auto q = quantizeTensor("w", w, QuantScheme::integer(8));
    QVERIFY(q.ok());
    QCOMPARE(q->scalesFp16.size(), size_t(16));
    QVERIFY(q->scalesFp32.empty());
    for (int64_t r = 0; r < 16; ++r) {
        const float raw = w[r].abs().max().item<float>() / 127.0f;
        QCOMPARE(q->scalesFp16[static_cast<size_t>(r)], c10::Half(raw).x);
        QCOMPARE(q->scale(r), static_cast<float>(c10::Half(raw)));
    }
    auto s32 = QuantScheme::integer(8);
    s32.scaleDtype = ScaleDtype::Fp32;
    const auto q32 = quantizeTensor("w", w, s32);
    QVERIFY(q32.ok());
    QCOMPARE(q32->scalesFp32.size(), size_t(16));
    QCOMPARE(q32->scale(3), w[3].abs().max().item<float>() / 127.0f);
}

void TestTensorQuantizer::castsRoundHalfToEven() {
    // Ties between neighbours go to the even mantissa; just above a tie rounds up.
    const at::Tensor w = at::tensor({1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 1.0f + 0x1p-8f + 0x1p-20f,
                                     1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, -(1.0f + 3 * 0x1p-11f)});
    for (KernelPath p : {KernelPath::Reference, KernelPath::Fast}) {
        const auto b = quantizeTensor("w", w, QuantScheme::bf16(), 0, {p, false});
        const at::Tensor db = dequantize(*b, p);
        QCOMPARE(db[0].item<float>(), 1.0f);
        QCOMPARE(db[1].item<float>(), 1.0f + 0x1p-6f);
        QCOMPARE(db[2].item<float>(), 1.0f + 0x1p-7f);
        const auto h = quantizeTensor("w", w, QuantScheme::fp16(), 0, {p, false});
        const at::Tensor dh = dequantize(*h, p);
        QCOMPARE(dh[3].item<float>(), 1.0f);
        QCOMPARE(dh[4].item<float>(), 1.0f + 0x1p-9f);
        QCOMPARE(dh[5].item<float>(), -(1.0f + 0x1p-9f));
        QCOMPARE(h->packed.size(), size_t(12));
    }
}

void TestTensorQuantizer::convTransposeAxis() {
    // ConvTranspose2d weight [in=6, out=4, 3, 3]: channels along axis 1. Quantizing along
    // axis 1 equals quantizing the [out, in, 3, 3] transpose along axis 0.
    const at::Tensor w = test::gaussian({6, 4, 3, 3}, 17);
    const at::Tensor wt = w.transpose(0, 1).contiguous();
    for (const char* sch : {"int4", "int3-g8-asym", "nf4", "ternary"}) {
        const auto s = *QuantScheme::parse(sch);
        const auto a = quantizeTensor("decoder.2.weight", w, s, 1);
        const auto b = quantizeTensor("t", wt, s, 0);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->layout.rows, int64_t(4));
        QCOMPARE(a->layout.rowLength, int64_t(54));
        QVERIFY(a->layout.permuted);
        QVERIFY(a->packed == b->packed);
        QVERIFY(a->scalesFp16 == b->scalesFp16);
        const at::Tensor d = dequantize(*a);
        QCOMPARE(d.sizes().vec(), w.sizes().vec());
        QVERIFY(test::bitIdentical(d, dequantize(*b).transpose(0, 1).contiguous()));
    }
    const auto bad = quantizeTensor("w", w, QuantScheme::integer(4), 4);
    QVERIFY(!bad.ok());
    QVERIFY(QString::fromStdString(bad.error().message).contains("axis 4 out of range"));
}

void TestTensorQuantizer::percentileIsNumpyLinear_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expected");
    // np.percentile(np.arange(1, n + 1), p) with the default method="linear".
    QTest::newRow("1..5, median") << 5 << 50.0 << 3.0;
    QTest::newRow("1..5, 90 %") << 5 << 90.0 << 4.6;
    QTest::newRow("1..5, 100 %") << 5 << 100.0 << 5.0;
    QTest::newRow("1..4, 10 %") << 4 << 10.0 << 1.3;
    QTest::newRow("1..10000, 99.99 %") << 10000 << 99.99 << 9999.0001;
    QTest::newRow("single value") << 1 << 99.99 << 1.0;
}

void TestTensorQuantizer::percentileIsNumpyLinear() {
    QFETCH(int, n);
    QFETCH(double, p);
    QFETCH(double, expected);
    std::vector<float> v;
    for (int i = n; i >= 1; --i) v.push_back(static_cast<float>(i));  // order must not matter
    QCOMPARE(static_cast<double>(pareto::detail::percentileLinear(v, p)), static_cast<double>(static_cast<float>(expected)));
}

void TestTensorQuantizer::clipCalibration() {
    // A row with one huge outlier: min-max spends the grid on it; percentile and MSE clip
    // trade that one value for the other 199.
    const at::Tensor w = test::makeTensor("huge outlier", 4);
    const at::Tensor row = w[1];
    const auto errOthers = [&](const char* sch) {
        const auto q = quantizeTensor("w", w, *QuantScheme::parse(sch));
        const at::Tensor d = dequantize(*q)[1];
        at::Tensor mask = at::ones_like(row, at::kBool);
        mask[17] = false;
        return (row - d).masked_select(mask).pow(2).mean().item<double>();
    };
    QVERIFY(errOthers("int4-clip=p99") < 0.05 * errOthers("int4"));
    // MSE search never does worse than min-max on a block (ratio 1.0 is a candidate).
    for (const char* t : {"gaussian 16x300", "huge outlier", "odd 7x37"})
        for (const char* sch : {"int4", "int3-asym", "int2-g32"}) {
            const at::Tensor x = test::makeTensor(t, 8);
            auto mm = *QuantScheme::parse(sch);
            auto mse = mm;
            mse.clip = ClipMethod::Mse;
            const auto a = quantizeTensor("w", x, mm), b = quantizeTensor("w", x, mse);
            const double ea = (x - dequantize(*a)).pow(2).sum().item<double>();
            const double eb = (x - dequantize(*b)).pow(2).sum().item<double>();
            QVERIFY2(eb <= ea * (1 + 1e-6), qPrintable(QString("%1 %2: %3 > %4").arg(t, sch).arg(eb).arg(ea)));
        }
}

void TestTensorQuantizer::storedBytes_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<int>("axis");
    QTest::addColumn<qint64>("packed");
    QTest::addColumn<qint64>("scaleBytes");
    QTest::addColumn<qint64>("zeroPointBytes");
    // [16, 4096] Linear: 65536 values.
    QTest::newRow("int8 per channel") << "int8" << QList<qint64>{16, 4096} << 0 << qint64(65536) << qint64(32) << qint64(0);
    QTest::newRow("int4 group 64") << "int4-g64" << QList<qint64>{16, 4096} << 0 << qint64(32768) << qint64(2048) << qint64(0);
    QTest::newRow("int3 per channel asym, 16 zero-points of 3 bits") << "int3-asym" << QList<qint64>{16, 4096} << 0
                                                                      << qint64(24576) << qint64(32) << qint64(6);
    QTest::newRow("nf4") << "nf4" << QList<qint64>{16, 4096} << 0 << qint64(32768) << qint64(2048) << qint64(0);
    QTest::newRow("ternary base-3") << "ternary" << QList<qint64>{16, 4096} << 0 << qint64(13108) << qint64(32) << qint64(0);
    QTest::newRow("ternary 2bit") << "ternary-2bit" << QList<qint64>{16, 4096} << 0 << qint64(16384) << qint64(32) << qint64(0);
    QTest::newRow("fp16") << "fp16" << QList<qint64>{16, 4096} << 0 << qint64(131072) << qint64(0) << qint64(0);
    QTest::newRow("bf16") << "bf16" << QList<qint64>{16, 4096} << 0 << qint64(131072) << qint64(0) << qint64(0);
    // ConvTranspose2d [16, 3, 3, 3] along axis 1: 3 rows of 144.
    QTest::newRow("int5 group 64 fp32 scales, conv transpose") << "int5-g64-scale=fp32" << QList<qint64>{16, 3, 3, 3} << 1
                                                               << qint64(270) << qint64(36) << qint64(0);
    QTest::newRow("int7 group 10 asym, rows of 37") << "int7-g10-asym" << QList<qint64>{7, 37} << 0 << qint64(227)
                                                    << qint64(56) << qint64(25);
    QTest::newRow("int2 per tensor") << "int2-tensor" << QList<qint64>{7, 37} << 0 << qint64(65) << qint64(2) << qint64(0);
    QTest::newRow("bias quantized per tensor") << "int8" << QList<qint64>{37} << 0 << qint64(37) << qint64(2) << qint64(0);
}

void TestTensorQuantizer::storedBytes() {
    QFETCH(QString, scheme);
    QFETCH(QList<qint64>, shape);
    QFETCH(int, axis);
    QFETCH(qint64, packed);
    QFETCH(qint64, scaleBytes);
    QFETCH(qint64, zeroPointBytes);
    std::vector<int64_t> s(shape.begin(), shape.end());
    const auto q = quantizeTensor("w", test::gaussian(s, 1), *QuantScheme::parse(scheme.toStdString()), axis);
    QVERIFY2(q.ok(), q.ok() ? "" : q.error().message.c_str());
    QCOMPARE(qint64(q->packed.size()), packed);
    QCOMPARE(qint64(q->scaleBytes()), scaleBytes);
    QCOMPARE(qint64(q->zeroPoints.size()), zeroPointBytes);
    QCOMPARE(qint64(q->bytes()), packed + scaleBytes + zeroPointBytes);
}

void TestTensorQuantizer::inputUntouchedAndNotShared() {
    for (const char* sch : {"fp32", "fp16", "int8", "int4-g64", "nf4", "ternary"}) {
        const at::Tensor w = test::gaussian({8, 64}, 3);
        const at::Tensor before = w.clone();
        const auto q = quantizeTensor("w", w, *QuantScheme::parse(sch));
        QVERIFY(q.ok());
        const at::Tensor d = dequantize(*q);
        QVERIFY(test::bitIdentical(w, before));
        QVERIFY(d.data_ptr() != w.data_ptr());
        QVERIFY(!d.storage().is_alias_of(w.storage()));
        if (std::string(sch) == "fp32") QVERIFY(test::bitIdentical(d, w));
    }
    // A non-contiguous float64 view is read through a copy.
    const at::Tensor base = test::gaussian({32, 16}, 4).to(at::kDouble);
    const at::Tensor view = base.t();
    const at::Tensor before = base.clone();
    QVERIFY(quantizeTensor("v", view, QuantScheme::integer(4)).ok());
    QVERIFY(test::bitIdentical(base, before));
}

void TestTensorQuantizer::errors() {
    const auto undef = quantizeTensor("x", at::Tensor(), QuantScheme::integer(8));
    QVERIFY(!undef.ok());
    QVERIFY(QString::fromStdString(undef.error().message).contains("'x' is undefined"));
    const auto ints = quantizeTensor("steps", at::ones({3}, at::kLong), QuantScheme::integer(8));
    QVERIFY(!ints.ok());
    QVERIFY2(QString::fromStdString(ints.error().message).contains("'steps' has dtype Long"), ints.error().message.c_str());
    QuantScheme bad = QuantScheme::integer(9);
    const auto b = quantizeTensor("w", at::ones({2, 2}), bad);
    QVERIFY(!b.ok());
    QVERIFY(QString::fromStdString(b.error().message).contains("bits must be 2..8"));

    auto q = quantizeTensor("w", at::ones({2, 8}), QuantScheme::integer(4));
    QVERIFY(q.ok());
    QVERIFY(hasConsistentStorage(*q));
    q->packed.pop_back();
    QVERIFY(!hasConsistentStorage(*q));
    QVERIFY(!dequantize(*q).defined());

    // A shape from a hostile package header whose element count wraps around 64 bits.
    const auto huge = BlockLayout::make({int64_t(1) << 40, int64_t(1) << 40}, 0, QuantScheme::integer(4));
    QVERIFY(!huge.ok());
    QVERIFY2(QString::fromStdString(huge.error().message).contains("overflows"), huge.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestTensorQuantizer)
#include "tst_tensorquantizer.moc"
