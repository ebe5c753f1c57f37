// SPDX-License-Identifier: Apache-2.0
// PCA truncation: our Jacobi eigen-solver against LAPACK, batched statistics, the fold at
// k = L reproducing the model, a folded k = 8 checkpoint reloading as an ordinary TinyVAE,
// agreement with PyTorch's own fold, the logvar projection, and TorchScript projections.
#include "latent/latentreduction.h"
#include "latent/latentstatistics.h"
#include "latent/pcafold.h"
#include "latent/symmetriceigen.h"

#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "io/safetensors.h"
#include "model/modelloader.h"
#include "model/projectedmodel.h"
#include "model/tinyvae.h"

#include "latenttestdata.h"
#include "testsupport.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

Dataset loadFolder(const QString& dir) {
    DataSpec spec;
    spec.kind = DataSpec::Kind::Folder;
    spec.dir = dir.toStdString();
    spec.text = "folder:" + spec.dir;
    auto d = loadDataset(spec, {});
    return d.ok() ? *d : Dataset{};
}

at::Tensor symmetricMatrix(const char* kind, int64_t n) {
    at::Generator gen = at::detail::createCPUGenerator(11);
    const std::string k = kind;
    if (k == "zeros") return at::zeros({n, n}, at::kDouble);
    if (k == "diagonal") return at::diag(at::arange(1, n + 1, at::kDouble).flip(0) * 0.5);
    if (k == "repeated eigenvalues") {
        // Q diag(3, 3, 1, 1, ...) Q^T: a degenerate spectrum.
        at::Tensor q = std::get<0>(at::linalg_qr(at::randn({n, n}, gen, at::kDouble)));
        at::Tensor d = at::ones({n}, at::kDouble);
        d.slice(0, 0, n / 2).fill_(3.0);
        return q.mm(at::diag(d)).mm(q.t());
    }
    if (k == "rank one") {
        const at::Tensor v = at::randn({n, 1}, gen, at::kDouble);
        return v.mm(v.t());
    }
    const at::Tensor a = at::randn({n, n}, gen, at::kDouble);
    return a.mm(a.t()) / static_cast<double>(n);  // covariance-like
}

}  // namespace

class TestPcaFold : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void eigenMatchesLapack_data();
    void eigenMatchesLapack();
    void eigenRejectsBadInput();
    void batchedStatisticsEqualDirect();
    void explainedVarianceCurve();
    void foldAtFullLatentReproduces_data();
    void foldAtFullLatentReproduces();
    void foldedCheckpointReloads();
    void foldAgreesWithPyTorch_data();
    void foldAgreesWithPyTorch();
    void logvarFoldOnAxisAlignedComponents();
    void foldRejectsBadK();
    void torchScriptProjection();
    void collectionCancels();

private:
    QTemporaryDir m_dir;
    QJsonObject m_ref;
    Dataset m_calib, m_eval;
};

void TestPcaFold::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("latent_fixtures.py", {m_dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(m_dir.filePath("reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_ref = QJsonDocument::fromJson(f.readAll()).object();
    m_calib = loadFolder(m_dir.filePath("calib"));
    m_eval = loadFolder(m_dir.filePath("eval"));
    QCOMPARE(m_calib.size(), qint64(m_ref["n_calib"].toInteger()));
    QCOMPARE(m_eval.size(), qint64(m_ref["n_eval"].toInteger()));
}

void TestPcaFold::eigenMatchesLapack_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("n");
    QTest::newRow("1x1") << "random" << 1;
    QTest::newRow("random 5x5") << "random" << 5;
    QTest::newRow("random 64x64 (L=64 covariance)") << "random" << 64;
    QTest::newRow("diagonal, already converged") << "diagonal" << 8;
    QTest::newRow("repeated eigenvalues") << "repeated eigenvalues" << 10;
    QTest::newRow("rank one") << "rank one" << 12;
    QTest::newRow("all zeros") << "zeros" << 4;
}

void TestPcaFold::eigenMatchesLapack() {
    QFETCH(QString, kind);
    QFETCH(int, n);
    const at::Tensor a = symmetricMatrix(kind.toUtf8().constData(), n).contiguous();
    std::vector<double> flat(a.data_ptr<double>(), a.data_ptr<double>() + n * n);
    auto eig = symmetricEigen(flat, n);
    QVERIFY2(eig.ok(), eig.ok() ? "" : eig.error().message.c_str());

    const at::Tensor values = at::from_blob(eig->values.data(), {n}, at::kDouble).clone();
    const at::Tensor vectors = at::from_blob(eig->vectors.data(), {n, n}, at::kDouble).clone();
    const at::Tensor lapack = std::get<0>(at::sort(at::linalg_eigvalsh(a), 0, true));
    const double scale = std::max(1.0, a.abs().max().item<double>());
    QVERIFY2(maxAbsDiff(values, lapack) < 1e-10 * scale, qPrintable(QString("eigenvalues differ by %1").arg(maxAbsDiff(values, lapack))));
    // Descending, orthonormal, and V diag(w) V^T = A.
    for (int j = 1; j < n; ++j) QVERIFY(eig->values[size_t(j - 1)] >= eig->values[size_t(j)]);
    QVERIFY(maxAbsDiff(vectors.t().mm(vectors), at::eye(n, at::kDouble)) < 1e-10);
    QVERIFY(maxAbsDiff(vectors.mm(at::diag(values)).mm(vectors.t()), a) < 1e-10 * scale);
    // Sign convention: each vector's largest-magnitude component is positive.
    for (int j = 0; j < n; ++j) {
        const at::Tensor col = vectors.select(1, j);
        QVERIFY(col[col.abs().argmax()].item<double>() > 0);
    }
}

void TestPcaFold::eigenRejectsBadInput() {
    QVERIFY(!symmetricEigen({}, 0).ok());
    QVERIFY(!symmetricEigen({1, 2, 3}, 2).ok());
    auto nan = symmetricEigen({1, std::nan(""), std::nan(""), 1}, 2);
    QVERIFY(!nan.ok());
    QVERIFY(QString::fromStdString(nan.error().message).contains("non-finite"));
}

void TestPcaFold::batchedStatisticsEqualDirect() {
    // Batches of 7 merged pairwise give the statistics of all rows at once.
    const TinyVae model = TinyVae::randomInit({1, 6}, 2);
    const Dataset data = test::rectangles(40, 3);
    auto batched = collectLatentStatistics(model, data, 7);
    QVERIFY(batched.ok());
    // mu computed in the same batches (a convolution's rounding depends on the batch size).
    std::vector<at::Tensor> parts;
    for (int64_t lo = 0; lo < 40; lo += 7) parts.push_back(model.encode(data.all().narrow(0, lo, std::min<int64_t>(7, 40 - lo))).detach());
    const at::Tensor mu = at::cat(parts).to(at::kDouble);
    auto direct = latentStatisticsFromSamples(mu);
    QVERIFY(direct.ok());
    QCOMPARE(batched->n, qint64(40));
    QVERIFY(maxAbsDiff(batched->mean, direct->mean) < 1e-12);
    QVERIFY(maxAbsDiff(batched->covariance, direct->covariance) < 1e-12);
    // The sample covariance divides by n - 1, as numpy.cov / torch.cov do.
    QVERIFY(maxAbsDiff(direct->covariance, at::cov(mu.t())) < 1e-9);
}

void TestPcaFold::explainedVarianceCurve() {
    auto stats = latentStatisticsFromSamples(at::randn({200, 5}, at::detail::createCPUGenerator(1)) *
                                             at::tensor({5.0, 3.0, 2.0, 1.0, 0.5}));
    QVERIFY(stats.ok());
    const std::vector<double> curve = stats->explainedVarianceCurve();
    QCOMPARE(curve.size(), size_t(5));
    for (size_t i = 1; i < curve.size(); ++i) QVERIFY(curve[i] >= curve[i - 1]);
    QCOMPARE(curve.back(), 1.0);
    QCOMPARE(stats->explainedVariance(0), 0.0);
    QVERIFY(std::isnan(stats->explainedVariance(6)));
    // Dominated by the first axis: variances 25, 9, 4, 1, 0.25 of 39.25.
    QVERIFY(std::abs(curve[0] - 25.0 / 39.25) < 0.1);
}

void TestPcaFold::foldAtFullLatentReproduces_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("random TinyVAE, 3 channels, L=16") << "random";
    QTest::newRow("SAGE TinyVAE saved by PyTorch") << "sage";
}

void TestPcaFold::foldAtFullLatentReproduces() {
    QFETCH(QString, model);
    TinyVae base = TinyVae::randomInit({3, 16}, 7);
    if (model == "sage") {
        auto loaded = loadModel(m_dir.filePath("sage_l16.pt").toStdString());
        QVERIFY(loaded.ok());
        base = *std::dynamic_pointer_cast<const TinyVae>(loaded->model);
    }
    auto stats = collectLatentStatistics(base, m_calib);
    QVERIFY(stats.ok());
    auto p = pcaProjection(*stats, 16);
    QVERIFY(p.ok());
    auto folded = foldPca(base, *p);
    QVERIFY2(folded.ok(), folded.ok() ? "" : folded.error().message.c_str());
    const double diff = maxAbsDiff((*folded)->reconstruct(m_eval.all()), base.reconstruct(m_eval.all()));
    QVERIFY2(diff < 1e-4, qPrintable(QString("max abs diff %1").arg(diff)));
    // A separate copy: no tensor shares storage with the original.
    for (const auto& t : (*folded)->tensors())
        QVERIFY(t.tensor.data_ptr() != base.weights().get(t.name).data_ptr());
}

void TestPcaFold::foldedCheckpointReloads() {
    auto loaded = loadModel(m_dir.filePath("sage_l16.pt").toStdString());
    QVERIFY(loaded.ok());
    auto reduced = reduceLatentPca(loaded->model, *collectLatentStatistics(*loaded->model, m_calib), 8);
    QVERIFY(reduced.ok());
    QCOMPARE(reduced->method, std::string("pca-fold"));
    QCOMPARE(reduced->params, qint64(31073 + 12290 * 8));
    QCOMPARE(reduced->params, qint64(m_ref["params_k8"].toInteger()));
    const auto& folded = dynamic_cast<const TinyVae&>(*reduced->model);

    const std::string path = m_dir.filePath("pca_k8.safetensors").toStdString();
    QVERIFY(writeSafetensors(path, modelWeights(folded), {{"pareto.latent_dim", "8"}}).ok());
    auto reloaded = loadModel(path);
    QVERIFY2(reloaded.ok(), reloaded.ok() ? "" : reloaded.error().message.c_str());
    const ModelInfo info = reloaded->model->info();
    QCOMPARE(info.arch, std::string("tinyvae"));
    QCOMPARE(info.latentDim, qint64(8));
    QCOMPARE(info.params, qint64(31073 + 12290 * 8));

    auto inMemory = evaluateModel(*reduced->model, m_eval);
    auto fromFile = evaluateModel(*reloaded->model, m_eval);
    QVERIFY(inMemory.ok() && fromFile.ok());
    QCOMPARE(summarize(*fromFile).mse.mean, summarize(*inMemory).mse.mean);  // bit-identical weights
    QCOMPARE(fromFile->mse, inMemory->mse);
}

void TestPcaFold::foldAgreesWithPyTorch_data() {
    QTest::addColumn<int>("k");
    QTest::newRow("k=4") << 4;
    QTest::newRow("k=8") << 8;
}

void TestPcaFold::foldAgreesWithPyTorch() {
    QFETCH(int, k);
    auto loaded = loadModel(m_dir.filePath("sage_l16.pt").toStdString());
    QVERIFY(loaded.ok());
    auto stats = collectLatentStatistics(*loaded->model, m_calib);
    QVERIFY(stats.ok());
    const QJsonArray refExplained = m_ref["explained_variance"].toArray();
    for (int j = 1; j <= 16; ++j)
        QVERIFY(std::abs(stats->explainedVariance(j) - refExplained[j - 1].toDouble()) < 1e-6);
    auto reduced = reduceLatentPca(loaded->model, *stats, k);
    QVERIFY(reduced.ok());
    QVERIFY(std::abs(reduced->explainedVariance - refExplained[k - 1].toDouble()) < 1e-6);

    // What truncation changes (reconstruction vs the original's) agrees with PyTorch's fold.
    const at::Tensor base = loaded->model->reconstruct(m_eval.all()), ours = reduced->model->reconstruct(m_eval.all());
    const double delta = (ours - base).pow(2).mean().item<double>();
    const double refDelta = m_ref["pca_recon_delta"].toObject()[QString::number(k)].toDouble();
    QVERIFY2(refDelta > 1e-6 && std::abs(delta - refDelta) / refDelta < 0.01,
             qPrintable(QString("ours %1, PyTorch %2").arg(delta).arg(refDelta)));
    auto m = evaluateModel(*reduced->model, m_eval);
    QVERIFY(m.ok());
    const double refMse = m_ref["pca_mse"].toObject()[QString::number(k)].toDouble();
    QVERIFY(std::abs(summarize(*m).mse.mean - refMse) / refMse < 0.005);

    if (k == 8) {
        // PyTorch's folded state dict computes what ours computes (eigenvector signs aside).
        auto theirs = loadModel(m_dir.filePath("pytorch_pca_k8.pt").toStdString());
        QVERIFY(theirs.ok());
        QVERIFY(maxAbsDiff(theirs->model->reconstruct(m_eval.all()), ours) < 1e-4);
    }
}

void TestPcaFold::logvarFoldOnAxisAlignedComponents() {
    // Latent axes with distinct variances: the components are the axes themselves (a
    // permutation), so the folded logvar is the original's, reordered by variance.
    const TinyVae base = TinyVae::randomInit({1, 3}, 4);
    LatentStatistics s;
    s.latentDim = 3;
    s.n = 100;
    s.mean = at::tensor({0.1, -0.2, 0.3}, at::kDouble);
    s.covariance = at::diag(at::tensor({1.0, 4.0, 2.0}, at::kDouble));
    s.eigenvalues = at::tensor({4.0, 2.0, 1.0}, at::kDouble);
    s.components = at::zeros({3, 3}, at::kDouble);
    s.components[1][0] = 1.0;
    s.components[2][1] = 1.0;
    s.components[0][2] = 1.0;
    auto folded = foldPca(base, *pcaProjection(s, 3));
    QVERIFY(folded.ok());
    const Dataset data = test::rectangles(6, 2);
    const auto [mu, logvar] = base.encodeMuLogvar(data.all());
    const auto [mu2, logvar2] = dynamic_cast<const TinyVae&>(**folded).encodeMuLogvar(data.all());
    const at::Tensor perm = at::tensor({1, 2, 0}, at::kLong);
    QVERIFY(maxAbsDiff(logvar2, logvar.index_select(1, perm)) < 1e-5);
    QVERIFY(maxAbsDiff(mu2, (mu - s.mean.to(at::kFloat)).index_select(1, perm)) < 1e-5);
}

void TestPcaFold::foldRejectsBadK() {
    auto stats = latentStatisticsFromSamples(at::randn({20, 4}, at::detail::createCPUGenerator(1)));
    QVERIFY(stats.ok());
    for (int64_t k : {int64_t(0), int64_t(5), int64_t(-1)}) {
        auto p = pcaProjection(*stats, k);
        QVERIFY(!p.ok());
        QVERIFY(QString::fromStdString(p.error().message).contains("between 1 and the latent size 4"));
    }
    // Statistics of another latent size.
    auto r = reduceLatentPca(std::make_shared<TinyVae>(TinyVae::randomInit({1, 6}, 1)), *stats, 2);
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("L=4"));
    QVERIFY(!latentStatisticsFromSamples(at::randn({1, 4})).ok());
}

void TestPcaFold::torchScriptProjection() {
    CheckpointLoadOptions trusted;
    trusted.trustCode = true;  // our own fixture
    auto script = loadModel(m_dir.filePath("sage_l16_script.pt").toStdString(), trusted);
    QVERIFY2(script.ok(), script.ok() ? "" : script.error().message.c_str());
    QCOMPARE(script->model->info().arch, std::string("torchscript"));
    auto tiny = loadModel(m_dir.filePath("sage_l16.pt").toStdString());
    QVERIFY(tiny.ok());
    auto stats = collectLatentStatistics(*script->model, m_calib);
    QVERIFY(stats.ok());

    auto full = reduceLatentPca(script->model, *stats, 16);
    QVERIFY(full.ok());
    QVERIFY(maxAbsDiff(full->model->reconstruct(m_eval.all()), script->model->reconstruct(m_eval.all())) < 1e-4);

    auto projected = reduceLatentPca(script->model, *stats, 8);
    QVERIFY(projected.ok());
    QCOMPARE(projected->method, std::string("pca-projection"));
    QVERIFY(dynamic_cast<const ProjectedModel*>(projected->model.get()));
    // The projection's basis (16 x 8) and mean (16) are counted on top of the base model.
    QCOMPARE(projected->projectionParams, qint64(16 * 8 + 16));
    QCOMPARE(projected->params, script->model->info().params + 16 * 8 + 16);
    QCOMPARE(projected->model->info().latentDim, qint64(8));
    QCOMPARE(projected->model->encode(m_eval.all()).size(1), qint64(8));
    // Same statistics, same function as the fold of the same weights.
    auto folded = reduceLatentPca(tiny->model, *stats, 8);
    QVERIFY(folded.ok());
    QVERIFY(maxAbsDiff(projected->model->reconstruct(m_eval.all()), folded->model->reconstruct(m_eval.all())) < 1e-4);
}

void TestPcaFold::collectionCancels() {
    const TinyVae model = TinyVae::randomInit({1, 4}, 1);
    int calls = 0;
    const ProgressSink sink([&](double, const std::string&) { return ++calls < 2; });
    auto r = collectLatentStatistics(model, test::rectangles(20, 1), 4, sink);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(calls, 2);
}

QTEST_GUILESS_MAIN(TestPcaFold)
#include "tst_pcafold.moc"
