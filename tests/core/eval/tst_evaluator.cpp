// SPDX-License-Identifier: Apache-2.0
// The evaluator with a tiny fake Model (no TinyVAE needed): batching, cancellation,
// error reporting, the mean-image baseline and the untrained-checkpoint check.

#include "eval/baseline.h"
#include "eval/evaluator.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <QtTest>

#include <atomic>
#include <cmath>
#include <stdexcept>

using namespace pareto;

namespace {

/// @brief A "VAE" whose latent is the flattened image: decode(encodeMu(x)) = x + offset,
/// or one of the failures the evaluator must report.
class FakeVae : public Model {
public:
    enum class Mode { Identity, Offset, ConstantMean, ThrowsC10, ThrowsStd, WrongShape, NaNOutput };

    FakeVae(Mode mode, std::vector<int64_t> chw, double offset = 0, at::Tensor constant = {})
        : m_mode(mode), m_chw(std::move(chw)), m_offset(offset), m_constant(std::move(constant)) {}

    ModelInfo info() const override {
        ModelInfo i;
        i.arch = "fake";
        i.inputShape = m_chw;
        i.latent.kind = LatentKind::Vector;
        i.latent.shape = {m_chw[0] * m_chw[1] * m_chw[2]};
        i.latentDim = i.latent.dim();
        return i;
    }

    std::vector<ModelTensor> tensors() const override { return {}; }
    Result<ModelPtr> withWeights(const StateDict&) const override {
        return Error::failed("fake model has no weights");
    }

    at::Tensor encodeNative(const at::Tensor& x) const override {
        if (m_mode == Mode::ThrowsC10) TORCH_CHECK(false, "fake encoder exploded");
        if (m_mode == Mode::ThrowsStd) throw std::runtime_error("fake decoder ran out of memory");
        return x.flatten(1);
    }

    at::Tensor decodeNative(const at::Tensor& z) const override {
        const auto x = z.view({-1, m_chw[0], m_chw[1], m_chw[2]});
        switch (m_mode) {
        case Mode::Offset: return x + m_offset;
        case Mode::ConstantMean: return m_constant.unsqueeze(0).expand(x.sizes()).clone();
        case Mode::WrongShape: return x.narrow(3, 0, m_chw[2] - 1);
        case Mode::NaNOutput: return x * std::nan("");
        default: return x.clone();
        }
    }

    // Records the grad mode it runs under: proves the evaluator's NoGradGuard even though
    // Model::reconstruct adds its own.
    at::Tensor forwardNative(const at::Tensor& x) const override {
        ++m_calls;
        if (at::GradMode::is_enabled()) m_sawGrad = true;
        return decodeNative(encodeNative(x));
    }

    int calls() const { return m_calls; }
    bool sawGrad() const { return m_sawGrad; }

private:
    Mode m_mode;
    std::vector<int64_t> m_chw;
    double m_offset;
    at::Tensor m_constant;
    mutable std::atomic<int> m_calls{0};
    mutable std::atomic<bool> m_sawGrad{false};
};

Dataset makeDataset(int64_t n, int64_t c = 1, int64_t h = 12, int64_t w = 12, uint64_t seed = 1) {
    at::manual_seed(seed);
    Dataset d;
    d = Dataset::fromImages(at::rand({n, c, h, w}));
    for (int64_t i = 0; i < n; ++i) d.ids.push_back("img" + std::to_string(i));
    d.identity = "fake:test";
    return d;
}

MetricSummary summary(double mean, double lo, double hi) {
    MetricSummary s;
    s.mse = {mean, lo, hi, 100};
    return s;
}

}  // namespace

Q_DECLARE_METATYPE(FakeVae::Mode)
Q_DECLARE_METATYPE(pareto::MetricSummary)

class TestEvaluator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identityModel_data();
    void identityModel();
    void offsetModelMatchesComputeMetrics();
    void cancelAfterFirstBatch();
    void cancelledTokenRunsNothing();
    void progressReachesOne();
    void failuresAreReported_data();
    void failuresAreReported();
    void meanImageBaseline();
    void meanImageShapeMismatchThrows();
    void summarizeIsBootstrapPerMetric();
    void pairedDeltasModelVsBaseline();
    void checkUntrained_data();
    void checkUntrained();
    void checkUntrainedEndToEnd();
};

void TestEvaluator::identityModel_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("batches");
    QTest::newRow("10 images, batch 1") << 10 << 1 << 10;
    QTest::newRow("10 images, batch 3 (ragged last batch)") << 10 << 3 << 4;
    QTest::newRow("10 images, batch 5 (exact multiple)") << 10 << 5 << 2;
    QTest::newRow("10 images, batch 64 (one batch)") << 10 << 64 << 1;
}

void TestEvaluator::identityModel() {
    QFETCH(int, n);
    QFETCH(int, batchSize);
    QFETCH(int, batches);
    const Dataset data = makeDataset(n, 3, 12, 14);
    FakeVae model(FakeVae::Mode::Identity, {3, 12, 14});
    at::Tensor recon;
    const auto r = evaluateModel(model, data, batchSize, {}, &recon);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(model.calls(), batches);
    QVERIFY(!model.sawGrad());
    QCOMPARE(r->size(), size_t(n));
    for (size_t i = 0; i < r->size(); ++i) {
        QCOMPARE(r->mse[i], 0.0);
        QCOMPARE(r->psnr[i], kMaxPsnr);
        QVERIFY(std::abs(r->ssim[i] - 1) < 1e-12);
    }
    QVERIFY(recon.defined());
    QCOMPARE(recon.sizes().vec(), data.all().sizes().vec());
    QVERIFY(at::equal(recon, data.all()));
}

void TestEvaluator::offsetModelMatchesComputeMetrics() {
    const Dataset data = makeDataset(9, 3, 16, 16);
    FakeVae model(FakeVae::Mode::Offset, {3, 16, 16}, 0.05);
    const auto r = evaluateModel(model, data, 4);
    QVERIFY(r.ok());
    const auto expected = computeMetrics(data.all() + 0.05, data.all());
    QCOMPARE(r->mse, expected.mse);
    QCOMPARE(r->psnr, expected.psnr);
    QCOMPARE(r->ssim, expected.ssim);
    QVERIFY(std::abs(r->mse[0] - 0.0025) < 1e-8);
}

void TestEvaluator::cancelAfterFirstBatch() {
    const Dataset data = makeDataset(10);
    FakeVae model(FakeVae::Mode::Identity, {1, 12, 12});
    int updates = 0;
    // The first update (before batch 1) goes on; the second (before batch 2) says stop.
    const ProgressSink sink([&](double, const std::string&) { return ++updates < 2; }, makeCancelToken());
    at::Tensor recon;
    const auto r = evaluateModel(model, data, 2, sink, &recon);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(model.calls(), 1);  // of 5 batches
    QVERIFY(!recon.defined());   // untouched on cancel
    QVERIFY(sink.cancelled());
}

void TestEvaluator::cancelledTokenRunsNothing() {
    const Dataset data = makeDataset(10);
    FakeVae model(FakeVae::Mode::Identity, {1, 12, 12});
    const auto token = makeCancelToken();
    token->store(true);
    const auto r = evaluateModel(model, data, 2, ProgressSink({}, token));
    QVERIFY(!r.ok() && r.error().isCancelled());
    QCOMPARE(model.calls(), 0);
}

void TestEvaluator::progressReachesOne() {
    const Dataset data = makeDataset(10);
    FakeVae model(FakeVae::Mode::Identity, {1, 12, 12});
    std::vector<double> seen;
    const auto r = evaluateModel(model, data, 3, ProgressSink([&](double f, const std::string& stage) {
                                     seen.push_back(f);
                                     return !stage.empty();
                                 }));
    QVERIFY(r.ok());
    QCOMPARE(seen.size(), size_t(5));  // before each of 4 batches, then done
    QCOMPARE(seen.front(), 0.0);
    QCOMPARE(seen.back(), 1.0);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
}

void TestEvaluator::failuresAreReported_data() {
    QTest::addColumn<FakeVae::Mode>("mode");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<QString>("expected");
    QTest::newRow("c10::Error from the model") << FakeVae::Mode::ThrowsC10 << 10 << 4 << "fake encoder exploded";
    QTest::newRow("c10::Error names the batch") << FakeVae::Mode::ThrowsC10 << 10 << 4 << "images [0, 4) of dataset 'fake:test'";
    QTest::newRow("std::exception from the model") << FakeVae::Mode::ThrowsStd << 10 << 4 << "fake decoder ran out of memory";
    QTest::newRow("reconstruction of another shape") << FakeVae::Mode::WrongShape << 10 << 4
                                                     << "reconstruction shape [4, 1, 12, 11] does not match input shape [4, 1, 12, 12]";
    QTest::newRow("NaN reconstruction") << FakeVae::Mode::NaNOutput << 10 << 4 << "non-finite";
    QTest::newRow("empty dataset") << FakeVae::Mode::Identity << 0 << 4 << "has no images";
    QTest::newRow("batch size 0") << FakeVae::Mode::Identity << 10 << 0 << "batch size must be at least 1";
}

void TestEvaluator::failuresAreReported() {
    QFETCH(FakeVae::Mode, mode);
    QFETCH(int, n);
    QFETCH(int, batchSize);
    QFETCH(QString, expected);
    const Dataset data = makeDataset(n);
    FakeVae model(mode, {1, 12, 12});
    at::Tensor recon;
    const auto r = evaluateModel(model, data, batchSize, {}, &recon);
    QVERIFY(!r.ok());
    QVERIFY(!r.error().isCancelled());
    const QString msg = QString::fromStdString(r.error().message);
    QVERIFY2(msg.contains(expected), qPrintable(msg));
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));  // one line, no backtrace
    QVERIFY(!recon.defined());
}

void TestEvaluator::meanImageBaseline() {
    // Image i is the constant v_i: the mean image is the constant mean(v), so
    // MSE_i = (v_i - mean)^2 and, windows having no variance, SSIM follows the luminance term.
    const std::vector<double> v{0.1, 0.2, 0.3, 0.6};
    Dataset data;
    data = Dataset::fromImages(at::empty({4, 3, 12, 12}));
    for (int64_t i = 0; i < 4; ++i) data.all()[i].fill_(v[static_cast<size_t>(i)]);
    const double mean = 0.3;
    const at::Tensor meanImage = meanImageOf(data);
    QCOMPARE(meanImage.sizes().vec(), (std::vector<int64_t>{3, 12, 12}));
    QVERIFY(at::allclose(meanImage, at::full({3, 12, 12}, mean), 0, 1e-7));

    const auto m = evaluateMeanImage(meanImage, data);
    QCOMPARE(m.size(), size_t(4));
    const double c1 = kSsimK1 * kSsimK1;
    for (size_t i = 0; i < 4; ++i) {
        const double mse = (v[i] - mean) * (v[i] - mean);
        QVERIFY2(std::abs(m.mse[i] - mse) < 1e-7, qPrintable(QString::number(m.mse[i])));
        QCOMPARE(m.psnr[i], psnrFromMse(m.mse[i]));
        const double ssim = (2 * v[i] * mean + c1) / (v[i] * v[i] + mean * mean + c1);
        QVERIFY(std::abs(m.ssim[i] - ssim) < 1e-6);
    }
    // Same as computeMetrics against an explicit stack of mean images.
    const auto explicitMetrics = computeMetrics(meanImage.unsqueeze(0).repeat({4, 1, 1, 1}), data.all());
    QCOMPARE(m.mse, explicitMetrics.mse);

    QVERIFY(!meanImageOf(Dataset{}).defined());
    QCOMPARE(evaluateMeanImage(meanImage, Dataset{}).size(), size_t(0));
}

void TestEvaluator::meanImageShapeMismatchThrows() {
    const Dataset data = makeDataset(3, 3, 12, 12);
    QVERIFY_THROWS_EXCEPTION(c10::Error, evaluateMeanImage(at::zeros({1, 12, 12}), data));
    QVERIFY_THROWS_EXCEPTION(c10::Error, evaluateMeanImage(at::zeros({3, 12, 12, 1}), data));
}

void TestEvaluator::summarizeIsBootstrapPerMetric() {
    const Dataset data = makeDataset(30, 1, 16, 16);
    FakeVae model(FakeVae::Mode::Offset, {1, 16, 16}, 0.02);
    const auto m = evaluateModel(model, data);
    QVERIFY(m.ok());
    const MetricSummary s = summarize(*m);
    const Estimate ssim = bootstrapMean(m->ssim);
    QVERIFY(s.ssim.mean == ssim.mean && s.ssim.lo == ssim.lo && s.ssim.hi == ssim.hi);
    QCOMPARE(s.mse.n, int64_t(30));
    QVERIFY(s.psnr.lo <= s.psnr.mean && s.psnr.mean <= s.psnr.hi);
}

void TestEvaluator::pairedDeltasModelVsBaseline() {
    const Dataset data = makeDataset(40, 3, 16, 16);
    FakeVae model(FakeVae::Mode::Offset, {3, 16, 16}, 0.01);
    const auto m = evaluateModel(model, data);
    QVERIFY(m.ok());
    const auto baseline = evaluateMeanImage(meanImageOf(data), data);
    const PairedDeltas d = pairedDeltas(baseline, *m);
    QVERIFY(d.mse.significant && d.mse.estimate.hi < 0);    // model has lower MSE
    QVERIFY(d.psnr.significant && d.psnr.estimate.lo > 0);  // and higher PSNR
    QVERIFY(d.ssim.significant && d.ssim.estimate.lo > 0);
    const PairedDeltas self = pairedDeltas(*m, *m);
    QVERIFY(!self.mse.significant && !self.psnr.significant && !self.ssim.significant);
}

void TestEvaluator::checkUntrained_data() {
    QTest::addColumn<MetricSummary>("model");
    QTest::addColumn<MetricSummary>("baseline");
    QTest::addColumn<bool>("warning");
    QTest::addColumn<QStringList>("phrases");
    QTest::newRow("trained: 3.9x better, CIs apart")
        << summary(0.0123, 0.0119, 0.0127) << summary(0.048, 0.047, 0.049) << false
        << QStringList{"model MSE 0.0123 [0.0119, 0.0127]", "is 3.9x better than the mean-image baseline 0.0480 [0.0470, 0.0490]"};
    QTest::newRow("untrained: worse than the mean image (0.8x)")
        << summary(0.06, 0.058, 0.062) << summary(0.048, 0.047, 0.049) << true
        << QStringList{"model MSE 0.0600 [0.0580, 0.0620]", "not clearly better", "(ratio 0.8x < 1.5x)", "looks untrained"};
    QTest::newRow("barely better: 1.2x < 1.5x with CIs apart")
        << summary(0.04, 0.0395, 0.0405) << summary(0.048, 0.047, 0.049) << true << QStringList{"(ratio 1.2x < 1.5x)"};
    QTest::newRow("2.0x better but CIs overlap (few images)")
        << summary(0.01, 0.002, 0.03) << summary(0.02, 0.015, 0.05) << true
        << QStringList{"ratio 2.0x, but the 95 % CIs overlap", "looks untrained"};
    QTest::newRow("tiny MSEs print in scientific notation")
        << summary(1.2e-5, 1.1e-5, 1.3e-5) << summary(0.048, 0.047, 0.049) << false
        << QStringList{"model MSE 1.20e-05 [1.10e-05, 1.30e-05]", "4000.0x better"};
    const double nan = std::nan("");
    QTest::newRow("NaN model MSE warns") << summary(nan, nan, nan) << summary(0.048, 0.047, 0.049) << true
                                         << QStringList{"looks untrained"};
}

void TestEvaluator::checkUntrained() {
    QFETCH(MetricSummary, model);
    QFETCH(MetricSummary, baseline);
    QFETCH(bool, warning);
    QFETCH(QStringList, phrases);
    const UntrainedCheck c = pareto::checkUntrained(model, baseline);
    QCOMPARE(c.warning, warning);
    const QString reason = QString::fromStdString(c.reason);
    for (const QString& p : phrases) QVERIFY2(reason.contains(p), qPrintable(reason));
}

void TestEvaluator::checkUntrainedEndToEnd() {
    const Dataset data = makeDataset(64, 1, 16, 16);
    const at::Tensor meanImage = meanImageOf(data);
    const MetricSummary baseline = summarize(evaluateMeanImage(meanImage, data));

    FakeVae good(FakeVae::Mode::Offset, {1, 16, 16}, 0.01);
    const auto g = evaluateModel(good, data);
    QVERIFY(g.ok());
    const UntrainedCheck ok = pareto::checkUntrained(summarize(*g), baseline);
    QVERIFY2(!ok.warning, ok.reason.c_str());

    // A model that learned only the dataset mean is exactly what the check must catch.
    FakeVae lazy(FakeVae::Mode::ConstantMean, {1, 16, 16}, 0, meanImage);
    const auto l = evaluateModel(lazy, data);
    QVERIFY(l.ok());
    const UntrainedCheck bad = pareto::checkUntrained(summarize(*l), baseline);
    QVERIFY(bad.warning);
    QVERIFY2(QString::fromStdString(bad.reason).contains("ratio 1.0x < 1.5x"), bad.reason.c_str());
}

QTEST_GUILESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
