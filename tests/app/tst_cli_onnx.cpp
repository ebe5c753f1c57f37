// SPDX-License-Identifier: Apache-2.0
// ONNX autoencoders exported by real PyTorch (tests/fixtures/onnx_make_models.py,
// torch.onnx.export) through the whole CLI, no --trust-code: inspect says arch onnx with the
// graph's opset, ops and quantizable layers; eval's FP32 / int8 / int4-g64 MSEs on real
// Fashion-MNIST equal ONNX Runtime's on the same fake-quantized initializers within 0.5 % and
// size.bytes the fixture's hand count; sweep, sensitivity and automp run; the latent command
// projects a pair and says why a single file has no latent; export writes model.onnx as the
// user's graph with Q/DQ weights, verify passes, and ONNX Runtime reproduces the golden
// output from the package within 1e-4.
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

/// What the same MSE may differ by between the CLI (OpenCV DNN) and ONNX Runtime.
constexpr double kMseRelTolerance = 0.005;
/// What ONNX Runtime's output of a package's ONNX file may differ from its golden output by.
constexpr double kGoldenTolerance = 1e-4;

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString fixture(const QString& name) { return QDir(test::onnxModels()).filePath(name); }

// The file the user opens: the single file, or a pair through either of its files.
QString modelFile(const QString& name) {
    const QJsonArray files = readJson(fixture(name + ".json"))["files"].toArray();
    return fixture(files.size() == 2 && name == "spatial64" ? files[1].toString() : files[0].toString());
}

QStringList data(int limit) { return {"--data", "fashion-mnist", "--split", "test", "--limit", QString::number(limit)}; }

}  // namespace

class TestCliOnnx : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inspect_data();
    void inspect();
    void evalMatchesOnnxRuntime_data();
    void evalMatchesOnnxRuntime();
    void sweepSensitivityAutomp_data();
    void sweepSensitivityAutomp();
    void latent_data();
    void latent();
    void exportVerifyAndRunInOnnxRuntime_data();
    void exportVerifyAndRunInOnnxRuntime();
    void exportWithLatentProjection_data();
    void exportWithLatentProjection();
    void refusals_data();
    void refusals();

private:
    static void models();
    QJsonObject runJson(const QStringList& args, int* exitCode = nullptr, QString* err = nullptr);
    QTemporaryDir m_dir;
};

void TestCliOnnx::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(fixture("ae28.onnx")), qPrintable(fixture("ae28.onnx") + " (run the fixture_onnx_models test)"));
}

QJsonObject TestCliOnnx::runJson(const QStringList& args, int* exitCode, QString* err) {
    const auto r = test::runCli(args + QStringList{"--json"} + (args[0] == "inspect" ? QStringList{} : QStringList{"--quiet"}));
    if (exitCode) *exitCode = r.exitCode;
    if (err) *err = r.err;
    if (r.exitCode != 0 && !exitCode) qWarning("pareto %s failed (%d): %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestCliOnnx::models() {
    QTest::addColumn<QString>("name");
    QTest::newRow("one file x -> x_hat 1x28x28, opset 13") << "ae28";
    QTest::newRow("pair with BatchNorm + ConvTranspose, opset 11, static batch 1") << "vae28";
    QTest::newRow("forward-only RGB 3x32x32, MatMul + Resize, opset 17") << "rgb32";
    QTest::newRow("RGB 64x64 pair, spatial latent [8, 16, 16], opset 14") << "spatial64";
    QTest::newRow("MLP pair, weights stored [in, out], opset 15") << "mlp28";
    QTest::newRow("pair chunking (mu, logvar) from the shape at run time + Upsample, opset 11") << "chunk28";
}

void TestCliOnnx::inspect_data() { models(); }

void TestCliOnnx::inspect() {
    QFETCH(QString, name);
    const QJsonObject meta = readJson(fixture(name + ".json"));
    const QJsonObject j = runJson({"inspect", modelFile(name)});
    QCOMPARE(j["format"].toString(), QString("onnx"));
    QCOMPARE(j["arch"].toString(), QString("onnx"));
    QCOMPARE(j["interface"].toString(), meta["interface"].toString());
    QCOMPARE(j["input_shape"].toArray(), meta["input_shape"].toArray());
    QCOMPARE(j["params"].toInteger(), meta["params"].toInteger());
    QCOMPARE(j["buffer_values"].toInteger(), qint64(0));
    QCOMPARE(j["fp32_bytes"].toInteger(), 4 * meta["params"].toInteger());
    QCOMPARE(j["latent"].toObject()["kind"].toString(), meta["latent"].toObject()["kind"].toString());
    QCOMPARE(j["latent"].toObject()["shape"].toArray(), meta["latent"].toObject()["shape"].toArray());
    QCOMPARE(j["input_range"].toArray(), (QJsonArray{0.0, 1.0}));

    // The graph itself: opset and ops per file, the quantizable layers on their axes.
    const QJsonObject onnx = j["onnx"].toObject();
    const QJsonArray files = onnx["files"].toArray();
    QCOMPARE(files.size(), meta["files"].toArray().size());
    for (int i = 0; i < files.size(); ++i) {
        const QJsonObject f = files[i].toObject();
        QCOMPARE(f["file"].toString(), meta["files"].toArray()[i].toString());
        QCOMPARE(f["opset"].toInt(), meta["opset"].toInt());
        QVERIFY(f["nodes"].toInt() > 0);
        QVERIFY(!f["ops"].toObject().isEmpty());
        QCOMPARE(f["batch"].isNull(), !meta["static_batch"].toBool());
    }
    const QJsonObject want = meta["quantized"].toObject();
    QCOMPARE(onnx["quantizable_layers"].toInt(), want.size());
    QJsonObject quantized;
    for (const auto& v : j["layers"].toArray()) {
        const QJsonObject l = v.toObject();
        if (l["quantized_by_default"].toBool()) quantized[l["name"].toString()] = l["axis"].toInteger();
    }
    QCOMPARE(quantized, want);
    bool opsetNoted = false;
    for (const auto& n : j["notes"].toArray()) opsetNoted = opsetNoted || n.toString().contains("opset " + QString::number(meta["opset"].toInt()));
    QVERIFY(opsetNoted);
}

void TestCliOnnx::evalMatchesOnnxRuntime_data() { models(); }

void TestCliOnnx::evalMatchesOnnxRuntime() {
    QFETCH(QString, name);
    const QJsonObject meta = readJson(fixture(name + ".json"));
    const QJsonObject ref = readJson(fixture(name + ".ref.json"));
    const int n = ref["n"].toInt();
    const QJsonArray shape = meta["input_shape"].toArray();
    double fp32Mse = 0;
    for (const char* scheme : {"fp32", "int8", "int4-g64"}) {
        const QJsonObject q = runJson(QStringList{"eval", modelFile(name)} + data(n) + (QString(scheme) == "fp32" ? QStringList{} : QStringList{"--quant", scheme}));
        QCOMPARE(q["n"].toInteger(), qint64(n));
        const double ours = q["mse"].toObject()["mean"].toDouble();
        QStringList args{qEnvironmentVariable("PARETO_ORT_MSE"), fixture(name + ".images.f32"), QString::number(n)};
        for (const auto& d : shape) args << QString::number(d.toInt());
        args << (meta["static_batch"].toBool() ? "1" : "50");
        for (const auto& f : ref[scheme].toObject()["files"].toArray()) args << fixture(f.toString());
        const test::ProcessResult run = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const double theirs = QJsonDocument::fromJson(run.out.toUtf8()).object()["mse"].toDouble();
        const qint64 bytes = q["size"].toObject()["bytes"].toInteger();
        qInfo("%s %s: pareto eval MSE %.6g, ONNX Runtime %.6g (%+.4f %%), %lld bytes", qPrintable(name), scheme, ours, theirs,
              100 * (ours / theirs - 1), bytes);
        QVERIFY2(std::abs(ours - theirs) / theirs < kMseRelTolerance, qPrintable(QString("%1: ours %2, ONNX Runtime %3").arg(scheme).arg(ours).arg(theirs)));
        QCOMPARE(bytes, ref[scheme].toObject()["bytes"].toInteger());
        QCOMPARE(q["model"].toObject()["arch"].toString(), QString("onnx"));
        QCOMPARE(q["untrained_warning"].toBool(), false);  // trained: clearly better than the mean image
        if (QString(scheme) == "fp32") fp32Mse = ours;
        else QCOMPARE(q["fp32"].toObject()["mse"].toObject()["mean"].toDouble(), fp32Mse);  // the original, untouched
    }
}

void TestCliOnnx::sweepSensitivityAutomp_data() { models(); }

void TestCliOnnx::sweepSensitivityAutomp() {
    QFETCH(QString, name);
    const QJsonObject meta = readJson(fixture(name + ".json"));
    const QJsonObject ref = readJson(fixture(name + ".ref.json"));
    const QString prefix = m_dir.filePath("sweep-" + name);
    const QJsonObject s = runJson(QStringList{"sweep", modelFile(name)} + data(16) + QStringList{"--schemes", "int8,int4-g64", "--out", prefix});
    const QJsonArray rows = s["rows"].toArray();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].toObject()["size"].toObject()["bytes"].toInteger(), ref["fp32"].toObject()["bytes"].toInteger());
    QCOMPARE(rows[1].toObject()["size"].toObject()["bytes"].toInteger(), ref["int8"].toObject()["bytes"].toInteger());
    QCOMPARE(rows[2].toObject()["size"].toObject()["bytes"].toInteger(), ref["int4-g64"].toObject()["bytes"].toInteger());

    // Sensitivity quantizes each quantizable layer alone.
    const QJsonObject sens = runJson(QStringList{"sensitivity", modelFile(name)} + data(8) + QStringList{"--quant", "int2"});
    QStringList names;
    for (const auto& l : sens["layers"].toArray()) names << l.toObject()["name"].toString();
    QCOMPARE(names.size(), meta["quantized"].toObject().size());
    for (const auto& key : meta["quantized"].toObject().keys()) QVERIFY2(names.contains(key), qPrintable(key));

    // A budget between the int4-g64 and int8 sizes is met by a mix.
    const qint64 lo = ref["int4-g64"].toObject()["bytes"].toInteger(), hi = ref["int8"].toObject()["bytes"].toInteger();
    const qint64 budget = (lo + hi) / 2;
    const QJsonObject mp = runJson(QStringList{"automp", modelFile(name)} + data(8) +
                                   QStringList{"--budget-bytes", QString::number(budget), "--candidates", "int8,int4-g64"});
    const qint64 bytes = mp["size"].toObject()["bytes"].toInteger();
    QVERIFY2(bytes > 0 && bytes <= budget, qPrintable(QString("%1 > %2").arg(bytes).arg(budget)));
}

void TestCliOnnx::latent_data() { models(); }

void TestCliOnnx::latent() {
    QFETCH(QString, name);
    const QJsonObject meta = readJson(fixture(name + ".json"));
    const QString out = m_dir.filePath("latent-" + name + ".safetensors");
    int code = 0;
    QString err;
    if (meta["interface"].toString() == "autoencoder") {
        // One file x -> x_hat: no latent to reach, and the CLI says why instead of guessing.
        runJson(QStringList{"latent", modelFile(name)} + data(16) + QStringList{"--k", "2", "--out", out}, &code, &err);
        QVERIFY(code != 0);
        QVERIFY2(err.contains("forward-only") && err.contains("encoder.onnx"), qPrintable(err));
        QVERIFY(!QFile::exists(out));
        return;
    }
    // A pair: the PCA of mu runs between encoder.onnx and decoder.onnx.
    const qint64 L = meta["latent"].toObject()["shape"].toArray()[0].toInteger();
    const qint64 k = L / 2;
    const QJsonObject j = runJson(QStringList{"latent", modelFile(name)} + data(32) + QStringList{"--k", QString::number(k), "--out", out}, &code, &err);
    QVERIFY2(code == 0, qPrintable(err));
    QCOMPARE(j["fold"].toString(), QString("pca-projection"));
    QCOMPARE(j["model"].toObject()["latent_dim"].toInteger(), k);
    QVERIFY(j["explained_variance"].toDouble() > 0 && j["explained_variance"].toDouble() <= 1.0 + 1e-9);
    QVERIFY(QFile::exists(out));
}

void TestCliOnnx::exportVerifyAndRunInOnnxRuntime_data() { models(); }

void TestCliOnnx::exportVerifyAndRunInOnnxRuntime() {
    QFETCH(QString, name);
    const QJsonObject meta = readJson(fixture(name + ".json"));
    const bool pair = meta["interface"].toString() == "vae";
    const QString pkg = m_dir.filePath("pkg-" + name);
    const QJsonObject e = runJson(QStringList{"export", modelFile(name)} + data(48) +
                                  QStringList{"--golden", "4", "--quant", "int8", "--target", "orin-nano-8gb", "--out", pkg});
    QVERIFY2(QFile::exists(pkg + "/manifest.json"), qPrintable(QJsonDocument(e).toJson()));
    const QJsonObject manifest = readJson(pkg + "/manifest.json");
    QCOMPARE(manifest["architecture"].toObject()["arch"].toString(), QString("onnx"));
    const QJsonArray artifacts = manifest["artifacts"].toArray();
    QVERIFY(!artifacts.contains(QJsonValue("model.pt")));  // a user's graph has no TorchScript form
    QVERIFY(artifacts.contains(QJsonValue("model.onnx")));
    QCOMPARE(artifacts.contains(QJsonValue("encoder.onnx")), pair);
    QCOMPARE(artifacts.contains(QJsonValue("decoder.onnx")), pair);
    // model.onnx is the user's graph (its ops) with the quantizable weights as INT8 + DequantizeLinear.
    const QJsonObject onnx = manifest["onnx"].toObject();
    int int8 = 0;
    for (const auto& t : onnx["tensors"].toArray()) int8 += t.toObject()["storage"].toString() == "int8+dq";
    QCOMPARE(int8, meta["quantized"].toObject().size());

    auto r = test::runCli({"verify", pkg, "--json"});  // data only: no --trust-code for ONNX
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const QJsonObject v = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(v["verdict"].toString(), QString("PASS"));

    // ONNX Runtime, an independent runtime, on the package's files.
    const test::ProcessResult ort = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), {qEnvironmentVariable("PARETO_ORT_CHECK"), pkg});
    const QJsonObject o = QJsonDocument::fromJson(ort.out.toUtf8()).object();
    QVERIFY2(ort.exitCode == 0 && o["passed"].toBool(), qPrintable(ort.out + ort.err));
    QCOMPARE(o["files"].toArray().size(), pair ? 3 : 1);
    for (const auto& f : o["files"].toArray()) {
        const QJsonObject fo = f.toObject();
        qInfo("%s %s: ONNX Runtime vs golden max abs error %.3g (expected output %.3g)", qPrintable(name), qPrintable(fo["file"].toString()),
              fo["max_abs_error"].toDouble(), fo["golden_expected_max_abs_error"].toDouble());
        QVERIFY2(fo["max_abs_error"].toDouble() <= kGoldenTolerance, qPrintable(QJsonDocument(fo).toJson()));
        if (fo.contains("golden_expected_max_abs_error"))
            QVERIFY2(fo["golden_expected_max_abs_error"].toDouble() <= kGoldenTolerance, qPrintable(QJsonDocument(fo).toJson()));
    }
    // python3-onnx's full checker accepts every file.
    QStringList files;
    for (const auto& f : onnx["files"].toArray()) files << pkg + "/" + f.toObject()["file"].toString();
    const test::ProcessResult c = test::runProcess(
        test::python(), QStringList{"-c", "import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint('ok')"} + files);
    QVERIFY2(c.exitCode == 0 && c.out.contains("ok"), qPrintable(c.err));
}

void TestCliOnnx::exportWithLatentProjection_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("k");
    QTest::newRow("vector latent 8 -> 4, static batch") << "vae28" << 4;
    QTest::newRow("spatial latent [8, 16, 16] -> [3, 16, 16]") << "spatial64" << 3;
}

void TestCliOnnx::exportWithLatentProjection() {
    // The latent slider's projection exported: the PCA runs between the user's encoder and
    // decoder graphs in every ONNX file, and the package still verifies and runs in ONNX Runtime.
    QFETCH(QString, name);
    QFETCH(int, k);
    const QString pkg = m_dir.filePath("pkg-pca-" + name);
    const QJsonObject e = runJson(QStringList{"export", modelFile(name)} + data(32) +
                                  QStringList{"--golden", "2", "--quant", "int8", "--target", "orin-nano-8gb", "--latent",
                                              "pca:" + QString::number(k), "--calib-limit", "500", "--out", pkg});
    QVERIFY2(QFile::exists(pkg + "/manifest.json"), qPrintable(QJsonDocument(e).toJson()));
    const QJsonObject manifest = readJson(pkg + "/manifest.json");
    QCOMPARE(manifest["architecture"].toObject()["latent_dim"].toInt(), k);
    QVERIFY(manifest["artifacts"].toArray().contains(QJsonValue("encoder.onnx")));
    auto r = test::runCli({"verify", pkg, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const test::ProcessResult ort = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), {qEnvironmentVariable("PARETO_ORT_CHECK"), pkg});
    const QJsonObject o = QJsonDocument::fromJson(ort.out.toUtf8()).object();
    QVERIFY2(ort.exitCode == 0 && o["passed"].toBool(), qPrintable(ort.out + ort.err));
    for (const auto& f : o["files"].toArray()) {
        QVERIFY2(f.toObject()["max_abs_error"].toDouble() <= kGoldenTolerance, qPrintable(QJsonDocument(f.toObject()).toJson()));
        if (f.toObject()["file"].toString() == "encoder.onnx") QCOMPARE(f.toObject()["output_shape"].toArray()[1].toInt(), k);
    }
}

void TestCliOnnx::refusals_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("an op OpenCV cannot run: node, op and opset") << "unsupported.onnx" << QStringList{"unsupported.onnx: node '", "GridSample", "opset 16"};
    QTest::newRow("external data is refused, saying why") << "external.onnx" << QStringList{"external.onnx:", "external data file", "save_as_external_data=False"};
    QTest::newRow("a newer opset is refused, naming it") << "opset18.onnx" << QStringList{"opset18.onnx:", "opset 18"};
}

void TestCliOnnx::refusals() {
    QFETCH(QString, file);
    QFETCH(QStringList, mentions);
    for (const QString& cmd : {"inspect", "eval"}) {
        int code = 0;
        QString err;
        runJson(QStringList{cmd, fixture(file)} + (cmd == "eval" ? data(8) : QStringList{}), &code, &err);
        QVERIFY(code != 0);
        QCOMPARE(err.trimmed().count('\n'), 0);  // one line
        for (const QString& m : mentions) QVERIFY2(err.contains(m), qPrintable(err + " lacks " + m));
    }
}

QTEST_GUILESS_MAIN(TestCliOnnx)
#include "tst_cli_onnx.moc"
