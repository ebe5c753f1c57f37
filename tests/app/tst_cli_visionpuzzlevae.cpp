// SAGE's VisionPuzzleVAE through the whole CLI, from a checkpoint trained by real PyTorch and
// saved as SAGE saves it (tests/fixtures/model_visionpuzzlevae.py): inspect says what it is;
// FP32, int8 and int4 per-channel MSEs on real Fashion-MNIST at 224x224 equal PyTorch's within
// 0.5 %; size.bytes equals a hand count; sweep, sensitivity, automp and the latent slider (the
// PCA fold of the codebook at its rank) run; export writes the ONNX pair and its codebook, then
// verify passes, and real PyTorch runs the package's model.pt on the golden input within 1e-4; `pareto train --arch
// visionpuzzlevae` smoke-trains and writes a checkpoint that opens as one.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestCliVisionPuzzleVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inspect();
    void evalMatchesPyTorch_data();
    void evalMatchesPyTorch();
    void sweepSensitivityAutomp();
    void latentFoldAtTheCodebookRank();
    void exportVerifyAndRunInPyTorch();
    void trainSmoke();

private:
    QString model() const { return QDir(m_fixture).filePath("vpvae.pt"); }
    QStringList data(int limit) const {
        return {"--data", "fashion-mnist", "--split", "test", "--limit", QString::number(limit)};
    }
    QJsonObject runJson(const QStringList& args);
    QString m_fixture;
    QJsonObject m_ref;
    QTemporaryDir m_dir;
};

void TestCliVisionPuzzleVae::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_fixture = test::visionPuzzleVaeFixture();
    QVERIFY2(QFile::exists(model()), qPrintable(model() + " (run the fixture_visionpuzzlevae test)"));
    m_ref = readJson(QDir(m_fixture).filePath("vpvae.ref.json"));
    QVERIFY(!m_ref.isEmpty());
}

QJsonObject TestCliVisionPuzzleVae::runJson(const QStringList& args) {
    const auto r = test::runCli(args + QStringList{"--json"} + (args[0] == "inspect" ? QStringList{} : QStringList{"--quiet"}));
    if (r.exitCode != 0) qWarning("pareto %s failed (%d): %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestCliVisionPuzzleVae::inspect() {
    const QJsonObject want = readJson(QDir(m_fixture).filePath("vpvae.json"));
    const QJsonObject j = runJson({"inspect", model()});
    QCOMPARE(j["arch"].toString(), QString("visionpuzzlevae"));
    QCOMPARE(j["input_shape"].toArray(), (QJsonArray{3, 224, 224}));
    QCOMPARE(j["input_range"].toArray(), (QJsonArray{0.0, 1.0}));
    QCOMPARE(j["output_range"].toArray(), (QJsonArray{-1.0, 1.0}));
    QCOMPARE(j["latent"].toObject()["kind"].toString(), QString("codebook"));
    QCOMPARE(j["latent"].toObject()["shape"].toArray(), (QJsonArray{10, 64}));
    QCOMPARE(j["latent_dim"].toInteger(), qint64(64));
    QCOMPARE(j["params"].toInteger(), qint64(349187));  // 332,099 + 267 x 64
    QCOMPARE(j["params"].toInteger(), want["params"].toInteger());
    QCOMPARE(j["buffer_values"].toInteger(), qint64(896));
    QCOMPARE(j["fp32_bytes"].toInteger(), 4 * (349187 + 896));
    QJsonObject quantized;
    for (const auto& v : j["layers"].toArray()) {
        const QJsonObject l = v.toObject();
        if (l["quantized_by_default"].toBool()) quantized[l["name"].toString()] = l["axis"].toInteger();
        if (l["name"].toString() == "vq.codebook.weight") QCOMPARE(l["kind"].toString(), QString("embedding"));
        if (l["buffer"].toBool()) QCOMPARE(l["kind"].toString(), QString("norm"));
    }
    QCOMPARE(quantized, want["quantized"].toObject());
}

void TestCliVisionPuzzleVae::evalMatchesPyTorch_data() {
    QTest::addColumn<QString>("scheme");
    QTest::newRow("fp32") << "fp32";
    QTest::newRow("int8 per channel") << "int8";
    QTest::newRow("int4 per channel") << "int4";
}

void TestCliVisionPuzzleVae::evalMatchesPyTorch() {
    QFETCH(QString, scheme);
    const int n = m_ref["n"].toInt();
    const QJsonObject j = runJson(QStringList{"eval", model()} + data(n) + QStringList{"--quant", scheme});
    QCOMPARE(j["n"].toInteger(), qint64(n));
    const double mse = j["mse"].toObject()["mean"].toDouble();
    const double want = m_ref[scheme].toObject()["mse"].toDouble();
    QVERIFY2(std::abs(mse - want) / want < 0.005, qPrintable(QString("%1: ours %2, PyTorch %3").arg(scheme).arg(mse).arg(want)));
    QCOMPARE(j["size"].toObject()["bytes"].toInteger(), m_ref[scheme].toObject()["bytes"].toInteger());
    QCOMPARE(j["output_range"].toArray(), (QJsonArray{-1.0, 1.0}));
    // A trained model: better than the mean image.
    QCOMPARE(j["untrained_warning"].toBool(), false);
    if (scheme != "fp32") {
        const QJsonObject size = j["size"].toObject();
        QCOMPARE(size["buffer_values"].toInteger(), qint64(896));
        QCOMPARE(size["fp32_bytes"].toInteger(), 4 * (349187 + 896));
    }
}

void TestCliVisionPuzzleVae::sweepSensitivityAutomp() {
    const QString prefix = m_dir.filePath("sweep");
    const QJsonObject s = runJson(QStringList{"sweep", model()} + data(4) + QStringList{"--schemes", "int8,int4", "--out", prefix});
    const QJsonArray rows = s["rows"].toArray();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].toObject()["size"].toObject()["bytes"].toInteger(), m_ref["fp32"].toObject()["bytes"].toInteger());
    QCOMPARE(rows[2].toObject()["size"].toObject()["bytes"].toInteger(), m_ref["int4"].toObject()["bytes"].toInteger());

    const QJsonObject sens = runJson(QStringList{"sensitivity", model()} + data(4) + QStringList{"--quant", "int2"});
    QStringList names;
    for (const auto& l : sens["layers"].toArray()) names << l.toObject()["name"].toString();
    QCOMPARE(names.size(), 9);  // 4 encoder convs, the codebook, the decoder's 1x1 conv and 3 transposed convs
    QVERIFY(names.contains("vq.codebook.weight"));
    QVERIFY(names.contains("decoder.decoder.9.weight"));

    const qint64 budget = 400000;
    const QJsonObject mp =
        runJson(QStringList{"automp", model()} + data(4) + QStringList{"--budget-bytes", QString::number(budget), "--candidates", "int8,int4"});
    const qint64 bytes = mp["size"].toObject()["bytes"].toInteger();
    QVERIFY2(bytes > 0 && bytes <= budget, qPrintable(QString::number(bytes)));
}

void TestCliVisionPuzzleVae::latentFoldAtTheCodebookRank() {
    const qint64 rank = m_ref["codebook_rank"].toInteger();
    const QString out = m_dir.filePath("vpvae_k.safetensors");
    const QJsonObject j = runJson(QStringList{"latent", model()} + data(4) + QStringList{"--k", QString::number(rank), "--out", out});
    QCOMPARE(j["fold"].toString(), QString("pca-fold"));
    QCOMPARE(j["model"].toObject()["latent_dim"].toInteger(), rank);
    QCOMPARE(j["model"].toObject()["params"].toInteger(), qint64(332099 + 267 * rank));
    QCOMPARE(j["explained_variance"].toDouble(), 1.0);
    // Exact: the same codes, so the same reconstructions (float rounding only).
    const double delta = j["delta_vs_original"].toObject()["mse"].toObject()["mean"].toDouble();
    QVERIFY2(std::abs(delta) < 1e-7, qPrintable(QString::number(delta)));
    // The file is an ordinary VisionPuzzleVAE with code width k.
    const QJsonObject info = runJson({"inspect", out});
    QCOMPARE(info["arch"].toString(), QString("visionpuzzlevae"));
    QCOMPARE(info["latent"].toObject()["shape"].toArray(), (QJsonArray{10, rank}));
}

void TestCliVisionPuzzleVae::exportVerifyAndRunInPyTorch() {
    const QString pkg = m_dir.filePath("pkg");
    const QJsonObject e = runJson(QStringList{"export", model()} + data(8) +
                                  QStringList{"--golden", "2", "--quant", "int8", "--target", "orin-nano-8gb", "--out", pkg});
    QVERIFY2(QFile::exists(pkg + "/manifest.json"), qPrintable(QJsonDocument(e).toJson()));
    const QJsonObject manifest = readJson(pkg + "/manifest.json");
    QCOMPARE(manifest["architecture"].toObject()["arch"].toString(), QString("visionpuzzlevae"));
    QCOMPARE(manifest["architecture"].toObject()["output_range"].toArray(), (QJsonArray{-1.0, 1.0}));
    QVERIFY(manifest["artifacts"].toArray().contains(QJsonValue("model.pt")));
    // weights, model.pt, encoder.onnx + decoder.onnx (no model.onnx: the nearest-code step runs
    // between them on the device, with codebook.safetensors), golden x4 (with onnx_expected),
    // README, verify_trt.py, manifest + hash.
    QCOMPARE(e["files"].toArray().size(), 13);
    for (const char* f : {"encoder.onnx", "decoder.onnx", "codebook.safetensors"})
        QVERIFY2(manifest["artifacts"].toArray().contains(QJsonValue(f)), f);
    QVERIFY(!QFile::exists(pkg + "/model.onnx"));
    QCOMPARE(manifest["onnx"].toObject()["latent_step"].toObject()["kind"].toString(), QString("nearest-code"));

    auto r = test::runCli({"verify", pkg, "--trust-code"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("PASS"), qPrintable(r.out + r.err));
    r = test::runCli({"verify", pkg, "--json"});  // data only: the hashes, the weights, the ONNX pair on golden/
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const QJsonObject v = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(v["verdict"].toString(), QString("PASS"));
    QCOMPARE(v["files_checked"].toInt(), 11);  // all but the manifest and its hash

    const QString out = m_dir.filePath("run.json");
    const auto py = test::runPythonFixture("export_run_torchscript.py", {pkg, pkg + "/model.pt", out});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    const QJsonObject p = readJson(out);
    QVERIFY(p["hashes_ok"].toBool());
    QVERIFY2(p["golden_max_abs_error"].toDouble() <= 1e-4, qPrintable(QString::number(p["golden_max_abs_error"].toDouble())));
    QVERIFY(p["weights_missing_in_model"].toArray().isEmpty());
    QVERIFY2(p["numpy_weights_vs_model_max_abs"].toDouble() <= 1e-6, qPrintable(QString::number(p["numpy_weights_vs_model_max_abs"].toDouble())));
}

void TestCliVisionPuzzleVae::trainSmoke() {
    // CI trains only this: 1 epoch on 64 images.
    const QString out = m_dir.filePath("smoke.safetensors");
    const QJsonObject j = runJson({"train", "--arch", "visionpuzzlevae", "--latent", "16", "--data", "fashion-mnist", "--limit", "64",
                                   "--val-limit", "16", "--test-limit", "16", "--epochs", "1", "--batch-size", "16", "--out", out});
    QCOMPARE(j["history"].toArray().size(), 1);
    QVERIFY(std::isfinite(j["history"].toArray()[0].toObject()["val_mse"].toDouble()));
    const QJsonObject info = runJson({"inspect", out});
    QCOMPARE(info["arch"].toString(), QString("visionpuzzlevae"));
    QCOMPARE(info["latent_dim"].toInteger(), qint64(16));
    QCOMPARE(info["buffer_values"].toInteger(), qint64(896));
}

QTEST_GUILESS_MAIN(TestCliVisionPuzzleVae)
#include "tst_cli_visionpuzzlevae.moc"
