// SPDX-License-Identifier: Apache-2.0
// Per-image metrics: hand values, the ATen fast path against the scalar reference, and
// both against an independent PyTorch implementation (tests/fixtures/eval_reference.py).

#include "eval/metrics.h"

#include "testsupport.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace pareto;

namespace {

constexpr double kFastVsReferenceTol = 1e-9;
constexpr double kVsPyTorchTol = 1e-6;
constexpr double kHandTol = 1e-12;

// A pair of image batches built per row (functions keep tensors out of QTest's data table).
using PairMaker = std::function<std::pair<at::Tensor, at::Tensor>()>;

at::Tensor randImages(int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed) {
    at::manual_seed(seed);
    return at::rand({n, c, h, w}, at::kFloat);
}

std::pair<at::Tensor, at::Tensor> noisyPair(int64_t n, int64_t c, int64_t h, int64_t w, double noise, uint64_t seed) {
    const auto t = randImages(n, c, h, w, seed);
    const auto p = (t + noise * at::randn(t.sizes())).clamp(0, 1);
    return {p, t};
}

bool writeRaw(const QString& path, const at::Tensor& t) {
    const auto c = t.to(at::kFloat).contiguous();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    const auto bytes = static_cast<qint64>(c.numel() * sizeof(float));
    return f.write(reinterpret_cast<const char*>(c.data_ptr<float>()), bytes) == bytes;
}

std::vector<double> jsonValues(const QJsonObject& o, const char* key) {
    std::vector<double> v;
    for (const auto& x : o.value(QLatin1String(key)).toArray())
        v.push_back(x.isNull() ? std::nan("") : x.toDouble());
    return v;
}

bool sameOrBothNaN(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= tol;
}

}  // namespace

Q_DECLARE_METATYPE(PairMaker)

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mseAndPsnrHandValues_data();
    void mseAndPsnrHandValues();
    void psnrFromMse_data();
    void psnrFromMse();
    void ssimIdenticalIsOne_data();
    void ssimIdenticalIsOne();
    void ssimHandValue();
    void fastPathMatchesReference_data();
    void fastPathMatchesReference();
    void matchesPyTorchFixture_data();
    void matchesPyTorchFixture();
    void smallImagesGiveNaNSsim_data();
    void smallImagesGiveNaNSsim();
    void shapeMismatchThrows();
    void emptyBatch();
    void appendConcatenates();
    void speedThousand3x64x64();
};

void TestMetrics::mseAndPsnrHandValues_data() {
    QTest::addColumn<PairMaker>("make");
    QTest::addColumn<double>("mse");
    QTest::addColumn<double>("psnr");
    QTest::newRow("identical random 3x16x16 -> mse 0, psnr capped") << PairMaker([] {
        const auto t = randImages(2, 3, 16, 16, 1);
        return std::make_pair(t.clone(), t);
    }) << 0.0 << kMaxPsnr;
    QTest::newRow("all zeros vs all ones -> mse 1, psnr 0 dB") << PairMaker([] {
        return std::make_pair(at::zeros({2, 3, 12, 12}), at::ones({2, 3, 12, 12}));
    }) << 1.0 << 0.0;
    QTest::newRow("constant offset 0.1 -> mse 0.01, psnr 20 dB") << PairMaker([] {
        const auto t = at::full({3, 1, 20, 20}, 0.25, at::kDouble);
        return std::make_pair(t + 0.1, t);
    }) << 0.01 << 20.0;
    QTest::newRow("one channel of three off by 0.3 -> mse 0.03") << PairMaker([] {
        const auto t = at::full({1, 3, 11, 11}, 0.5, at::kDouble);
        auto p = t.clone();
        p.select(1, 2).add_(0.3);
        return std::make_pair(p, t);
    }) << 0.03 << 10 * std::log10(1 / 0.03);
    QTest::newRow("half the pixels off by 0.2 -> mse 0.02") << PairMaker([] {
        const auto t = at::zeros({1, 1, 16, 16}, at::kDouble);
        auto p = t.clone();
        p.narrow(2, 0, 8).fill_(0.2);
        return std::make_pair(p, t);
    }) << 0.02 << 10 * std::log10(1 / 0.02);
}

void TestMetrics::mseAndPsnrHandValues() {
    QFETCH(PairMaker, make);
    QFETCH(double, mse);
    QFETCH(double, psnr);
    const auto [p, t] = make();
    const auto m = computeMetrics(p, t);
    QCOMPARE(m.size(), size_t(p.size(0)));
    for (size_t i = 0; i < m.size(); ++i) {
        QVERIFY2(std::abs(m.mse[i] - mse) < kHandTol, qPrintable(QString::number(m.mse[i], 'g', 17)));
        QVERIFY2(std::abs(m.psnr[i] - psnr) < 1e-9, qPrintable(QString::number(m.psnr[i], 'g', 17)));
    }
}

void TestMetrics::psnrFromMse_data() {
    QTest::addColumn<double>("mse");
    QTest::addColumn<double>("psnr");
    QTest::newRow("mse 0.01 -> 20 dB") << 0.01 << 20.0;
    QTest::newRow("mse 1 -> 0 dB") << 1.0 << 0.0;
    QTest::newRow("mse 1e-4 -> 40 dB") << 1e-4 << 40.0;
    QTest::newRow("mse 4 (out of range data) -> negative") << 4.0 << -10 * std::log10(4.0);
    QTest::newRow("mse 0 -> kMaxPsnr") << 0.0 << kMaxPsnr;
    QTest::newRow("mse 1e-12 -> capped at kMaxPsnr") << 1e-12 << kMaxPsnr;
}

void TestMetrics::psnrFromMse() {
    QFETCH(double, mse);
    QFETCH(double, psnr);
    QVERIFY(std::abs(pareto::psnrFromMse(mse) - psnr) < 1e-12);
}

void TestMetrics::ssimIdenticalIsOne_data() {
    QTest::addColumn<PairMaker>("make");
    QTest::newRow("random 3x32x32") << PairMaker([] {
        const auto t = randImages(3, 3, 32, 32, 2);
        return std::make_pair(t.clone(), t);
    });
    QTest::newRow("random 1x11x11 (minimal size)") << PairMaker([] {
        const auto t = randImages(2, 1, 11, 11, 3);
        return std::make_pair(t.clone(), t);
    });
    QTest::newRow("constant 0.7 3x16x16") << PairMaker([] {
        const auto t = at::full({1, 3, 16, 16}, 0.7);
        return std::make_pair(t.clone(), t);
    });
    QTest::newRow("all zeros 1x12x40") << PairMaker([] {
        const auto t = at::zeros({1, 1, 12, 40});
        return std::make_pair(t.clone(), t);
    });
}

void TestMetrics::ssimIdenticalIsOne() {
    QFETCH(PairMaker, make);
    const auto [p, t] = make();
    const auto m = computeMetrics(p, t);
    const auto ref = ssimPerImageReference(p, t);
    for (size_t i = 0; i < m.size(); ++i) {
        QVERIFY2(std::abs(m.ssim[i] - 1) < 1e-12, qPrintable(QString::number(m.ssim[i], 'g', 17)));
        QVERIFY(std::abs(ref[i] - 1) < 1e-12);
    }
}

void TestMetrics::ssimHandValue() {
    // Constant images a and b: every window has zero variance, so
    // SSIM = (2ab + C1) / (a^2 + b^2 + C1) exactly.
    const double a = 0.2, b = 0.6, c1 = kSsimK1 * kSsimK1;
    const double expected = (2 * a * b + c1) / (a * a + b * b + c1);
    const auto p = at::full({1, 3, 14, 15}, a, at::kDouble);
    const auto t = at::full({1, 3, 14, 15}, b, at::kDouble);
    QVERIFY(std::abs(computeMetrics(p, t).ssim[0] - expected) < 1e-12);
    QVERIFY(std::abs(ssimPerImageReference(p, t)[0] - expected) < 1e-12);
}

void TestMetrics::fastPathMatchesReference_data() {
    QTest::addColumn<PairMaker>("make");
    QTest::newRow("random vs random 3x32x32") << PairMaker([] {
        return std::make_pair(randImages(3, 3, 32, 32, 10), randImages(3, 3, 32, 32, 11));
    });
    QTest::newRow("noisy copy 3x40x24 (non-square)") << PairMaker([] { return noisyPair(2, 3, 40, 24, 0.05, 12); });
    QTest::newRow("noisy copy 1x28x28") << PairMaker([] { return noisyPair(4, 1, 28, 28, 0.1, 13); });
    QTest::newRow("minimal 1x11x11 (one window)") << PairMaker([] { return noisyPair(3, 1, 11, 11, 0.2, 14); });
    QTest::newRow("minimal 3x11x11 (one window)") << PairMaker([] { return noisyPair(2, 3, 11, 11, 0.2, 15); });
    QTest::newRow("all zeros vs all ones 3x16x16") << PairMaker([] {
        return std::make_pair(at::zeros({1, 3, 16, 16}), at::ones({1, 3, 16, 16}));
    });
    QTest::newRow("constant vs random 1x20x20") << PairMaker([] {
        return std::make_pair(at::full({2, 1, 20, 20}, 0.5), randImages(2, 1, 20, 20, 16));
    });
    QTest::newRow("inverted image 3x24x24 (negative correlation)") << PairMaker([] {
        const auto t = randImages(2, 3, 24, 24, 17);
        return std::make_pair(1 - t, t);
    });
    QTest::newRow("checkerboard vs its shift 1x16x16") << PairMaker([] {
        const auto i = at::arange(16).view({16, 1}), j = at::arange(16).view({1, 16});
        const auto board = ((i + j).remainder(2)).to(at::kFloat).view({1, 1, 16, 16});
        return std::make_pair(board, 1 - board);
    });
    QTest::newRow("out of range values [-3, 4] 3x13x17") << PairMaker([] {
        return std::make_pair(randImages(2, 3, 13, 17, 18) * 7 - 3, randImages(2, 3, 13, 17, 19) * 7 - 3);
    });
    QTest::newRow("non-contiguous (channels-last view) 3x18x18") << PairMaker([] {
        const auto p = randImages(2, 18, 18, 3, 20).permute({0, 3, 1, 2});
        const auto t = randImages(2, 18, 18, 3, 21).permute({0, 3, 1, 2});
        return std::make_pair(p, t);
    });
    // Chunks hold 2^16 values per input: 5 images of 3x64x64, 455 of 1x12x12.
    QTest::newRow("three chunks, ragged last: 12 images 3x64x64") << PairMaker([] { return noisyPair(12, 3, 64, 64, 0.05, 22); });
    QTest::newRow("two chunks: 500 images 1x12x12") << PairMaker([] { return noisyPair(500, 1, 12, 12, 0.1, 23); });
}

void TestMetrics::fastPathMatchesReference() {
    QFETCH(PairMaker, make);
    const auto [p, t] = make();
    const auto fast = ssimPerImage(p, t).contiguous();
    const auto ref = ssimPerImageReference(p, t);
    const auto metrics = computeMetrics(p, t);
    QCOMPARE(fast.size(0), int64_t(ref.size()));
    QCOMPARE(metrics.size(), ref.size());
    const double* f = fast.data_ptr<double>();
    for (size_t i = 0; i < ref.size(); ++i) {
        QVERIFY2(std::abs(f[i] - ref[i]) < kFastVsReferenceTol,
                 qPrintable(QStringLiteral("image %1: fast %2 reference %3").arg(i).arg(f[i], 0, 'g', 17).arg(ref[i], 0, 'g', 17)));
        QCOMPARE(metrics.ssim[i], f[i]);
        QVERIFY(ref[i] <= 1 + 1e-12 && ref[i] >= -1 - 1e-12);
    }
    // The prepared target (what a sweep shares between its copies) gives the same bits.
    const auto prepared = computeMetrics(p, prepareTargetMoments(t));
    QCOMPARE(prepared.size(), metrics.size());
    for (size_t i = 0; i < metrics.size(); ++i) {
        QVERIFY2(prepared.ssim[i] == metrics.ssim[i] && prepared.mse[i] == metrics.mse[i] && prepared.psnr[i] == metrics.psnr[i],
                 qPrintable(QStringLiteral("image %1: ssim %2 vs %3, mse %4 vs %5")
                                .arg(i)
                                .arg(prepared.ssim[i], 0, 'g', 17)
                                .arg(metrics.ssim[i], 0, 'g', 17)
                                .arg(prepared.mse[i], 0, 'g', 17)
                                .arg(metrics.mse[i], 0, 'g', 17)));
    }
}

void TestMetrics::matchesPyTorchFixture_data() {
    QTest::addColumn<PairMaker>("make");
    QTest::newRow("random vs random 3x32x32") << PairMaker([] {
        return std::make_pair(randImages(4, 3, 32, 32, 30), randImages(4, 3, 32, 32, 31));
    });
    QTest::newRow("noisy copy 3x64x64") << PairMaker([] { return noisyPair(3, 3, 64, 64, 0.05, 32); });
    QTest::newRow("noisy copy 1x28x28") << PairMaker([] { return noisyPair(5, 1, 28, 28, 0.1, 33); });
    QTest::newRow("minimal 1x11x11") << PairMaker([] { return noisyPair(2, 1, 11, 11, 0.2, 34); });
    QTest::newRow("identical 3x16x20") << PairMaker([] {
        const auto t = randImages(2, 3, 16, 20, 35);
        return std::make_pair(t.clone(), t);
    });
    QTest::newRow("too small for SSIM 3x8x30") << PairMaker([] { return noisyPair(2, 3, 8, 30, 0.1, 36); });
}

void TestMetrics::matchesPyTorchFixture() {
    QFETCH(PairMaker, make);
    const auto [p, t] = make();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pp = dir.filePath("pred.f32"), tp = dir.filePath("target.f32");
    QVERIFY(writeRaw(pp, p));
    QVERIFY(writeRaw(tp, t));
    QStringList args{pp, tp};
    for (int d = 0; d < 4; ++d) args << QString::number(p.size(d));
    const auto r = test::runPythonFixture("eval_reference.py", args);
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    const auto doc = QJsonDocument::fromJson(r.out.toUtf8());
    QVERIFY2(doc.isObject(), qPrintable(r.out));
    const auto mse = jsonValues(doc.object(), "mse");
    const auto psnr = jsonValues(doc.object(), "psnr");
    const auto ssim = jsonValues(doc.object(), "ssim");

    // The fixture reads float32, so compare against the same float32 values.
    const auto m = computeMetrics(p.to(at::kFloat), t.to(at::kFloat));
    QCOMPARE(mse.size(), m.size());
    QCOMPARE(ssim.size(), m.size());
    for (size_t i = 0; i < m.size(); ++i) {
        QVERIFY2(sameOrBothNaN(m.mse[i], mse[i], kVsPyTorchTol), qPrintable(QString::number(m.mse[i] - mse[i])));
        QVERIFY2(sameOrBothNaN(m.psnr[i], psnr[i], kVsPyTorchTol), qPrintable(QString::number(m.psnr[i] - psnr[i])));
        QVERIFY2(sameOrBothNaN(m.ssim[i], ssim[i], kVsPyTorchTol),
                 qPrintable(QStringLiteral("ssim ours %1 pytorch %2").arg(m.ssim[i], 0, 'g', 17).arg(ssim[i], 0, 'g', 17)));
    }
}

void TestMetrics::smallImagesGiveNaNSsim_data() {
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::newRow("10x10") << 10 << 10;
    QTest::newRow("10 high, 64 wide") << 10 << 64;
    QTest::newRow("64 high, 10 wide") << 64 << 10;
    QTest::newRow("1x1") << 1 << 1;
}

void TestMetrics::smallImagesGiveNaNSsim() {
    QFETCH(int, h);
    QFETCH(int, w);
    const auto t = randImages(3, 3, h, w, 40);
    const auto p = t + 0.1;
    const auto m = computeMetrics(p, t);
    QCOMPARE(m.size(), size_t(3));
    for (size_t i = 0; i < m.size(); ++i) {
        QVERIFY(std::isnan(m.ssim[i]));
        QVERIFY(std::abs(m.mse[i] - 0.01) < 1e-6);  // MSE and PSNR stay defined
    }
    QVERIFY(at::isnan(ssimPerImage(p, t)).all().item<bool>());
    for (double v : ssimPerImageReference(p, t)) QVERIFY(std::isnan(v));
}

void TestMetrics::shapeMismatchThrows() {
    QVERIFY_THROWS_EXCEPTION(c10::Error, computeMetrics(at::zeros({2, 3, 16, 16}), at::zeros({2, 1, 16, 16})));
    QVERIFY_THROWS_EXCEPTION(c10::Error, ssimPerImage(at::zeros({3, 16, 16}), at::zeros({3, 16, 16})));
    QVERIFY_THROWS_EXCEPTION(c10::Error, ssimPerImageReference(at::zeros({1, 1, 16, 16}), at::zeros({1, 1, 16, 17})));
}

void TestMetrics::emptyBatch() {
    const auto m = computeMetrics(at::zeros({0, 3, 16, 16}), at::zeros({0, 3, 16, 16}));
    QCOMPARE(m.size(), size_t(0));
    QCOMPARE(ssimPerImage(at::zeros({0, 3, 16, 16}), at::zeros({0, 3, 16, 16})).numel(), int64_t(0));
}

void TestMetrics::appendConcatenates() {
    PerImageMetrics a{{1, 2}, {3, 4}, {5, 6}};
    const PerImageMetrics b{{7}, {8}, {9}};
    a.append(b);
    QCOMPARE(a.size(), size_t(3));
    QCOMPARE(a.mse, (std::vector<double>{1, 2, 7}));
    QCOMPARE(a.psnr, (std::vector<double>{3, 4, 8}));
    QCOMPARE(a.ssim, (std::vector<double>{5, 6, 9}));
}

void TestMetrics::speedThousand3x64x64() {
    // Not a pass/fail bound (the machine is shared); logs the figure for the report.
    const auto [p, t] = noisyPair(1000, 3, 64, 64, 0.05, 50);
    QElapsedTimer timer;
    timer.start();
    const auto m = computeMetrics(p, t);
    const qint64 ms = timer.elapsed();
    QCOMPARE(m.size(), size_t(1000));
    qInfo("computeMetrics on 1000 x 3x64x64: %lld ms (%d intra-op threads)", ms, at::get_num_threads());
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
