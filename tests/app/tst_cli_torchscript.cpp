// SPDX-License-Identifier: Apache-2.0
// TorchScript models of other architectures and sizes through the whole CLI, each made and
// briefly trained by real PyTorch (tests/fixtures/model_torchscript_zoo.py, torch.jit.script):
// inspect says what the model is; FP32 and int8 / int4 / int4-g64 MSEs on real Fashion-MNIST
// equal PyTorch's within 0.5 %; size.bytes equals a hand count; the FP32 model is unchanged by
// quantizing; data that fits is not converted; export then verify passes, and real PyTorch
// runs the package's model.pt on the golden input within 1e-4.
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


// The options a model needs beyond --trust-code: the fully convolutional one runs on every
// probed size, so it is told which one it was made for.
QStringList shapeOptions(const QString& model) {
    return model == "fcn256" ? QStringList{"--input-shape", "3,256,256"} : QStringList{};
}

const QStringList kModels{"conv_vae28", "ae_rgb32", "spatial_vae28", "mlp_vae28", "fcn256"};

}  // namespace

class TestCliTorchScript : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inspect_data();
    void inspect();
    void probeRefusesSeveralShapes();
    void untrustedIsRefused();
    void evalMatchesPyTorch_data();
    void evalMatchesPyTorch();
    void exportVerifyAndRunInPyTorch_data();
    void exportVerifyAndRunInPyTorch();
    void latentSliderReasons();

private:
    QString model(const QString& name) const { return QDir(m_zoo).filePath(name + ".ts"); }
    QJsonObject runJson(const QStringList& args, int* exitCode = nullptr, QString* err = nullptr);
    QString m_zoo;
    QTemporaryDir m_dir;
};

void TestCliTorchScript::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_zoo = test::torchScriptZoo();
    for (const QString& m : kModels) QVERIFY2(QFile::exists(model(m)), qPrintable(model(m) + " (run the fixture_torchscript_zoo test)"));
}

QJsonObject TestCliTorchScript::runJson(const QStringList& args, int* exitCode, QString* err) {
    const auto r = test::runCli(args + QStringList{"--json"});
    if (exitCode) *exitCode = r.exitCode;
    if (err) *err = r.err;
    if (r.exitCode != 0 && !exitCode) qWarning("pareto %s failed (%d): %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestCliTorchScript::inspect_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("conv VAE 1x28x28, BatchNorm + ConvTranspose2d") << "conv_vae28";
    QTest::newRow("forward-only RGB 32x32 autoencoder") << "ae_rgb32";
    QTest::newRow("VAE with a spatial [8, 4, 4] latent") << "spatial_vae28";
    QTest::newRow("MLP VAE 1x28x28") << "mlp_vae28";
    QTest::newRow("fully convolutional 3x256x256 (--input-shape)") << "fcn256";
}

void TestCliTorchScript::inspect() {
    QFETCH(QString, name);
    const QJsonObject expected = readJson(QDir(m_zoo).filePath(name + ".json"));
    QVERIFY(!expected.isEmpty());
    const QJsonObject j = runJson(QStringList{"inspect", model(name), "--trust-code"} + shapeOptions(name));
    QCOMPARE(j["format"].toString(), QString("torchscript"));
    QCOMPARE(j["arch"].toString(), QString("torchscript"));
    QCOMPARE(j["input_shape"].toArray(), expected["input_shape"].toArray());
    QCOMPARE(j["params"].toInteger(), expected["params"].toInteger());
    QCOMPARE(j["buffer_values"].toInteger(), expected["buffer_values"].toInteger());
    QCOMPARE(j["fp32_bytes"].toInteger(), 4 * (expected["params"].toInteger() + expected["buffer_values"].toInteger()));
    QCOMPARE(j["interface"].toString(), expected["interface"].toString());
    const QJsonObject latent = j["latent"].toObject(), wantLatent = expected["latent"].toObject();
    QCOMPARE(latent["kind"].toString(), wantLatent["kind"].toString());
    QCOMPARE(latent["shape"].toArray(), wantLatent["shape"].toArray());
    if (wantLatent["kind"].toString() == "none") QVERIFY(j["latent_dim"].isNull());
    else QCOMPARE(j["latent_dim"].toInteger(), wantLatent["shape"].toArray()[0].toInteger());  // L, or C of a spatial code
    QCOMPARE(j["input_range"].toArray(), (QJsonArray{0.0, 1.0}));
    QCOMPARE(j["output_range"].toArray(), (QJsonArray{0.0, 1.0}));

    // Quantizable weights found by module type, each on its output-channel axis.
    const QJsonObject wantQuantized = expected["quantized"].toObject();
    QJsonObject quantized;
    qint64 params = 0, buffers = 0;
    for (const auto& v : j["layers"].toArray()) {
        const QJsonObject l = v.toObject();
        (l["buffer"].toBool() ? buffers : params) += l["params"].toInteger();
        if (l["quantized_by_default"].toBool()) quantized[l["name"].toString()] = l["axis"].toInteger();
    }
    QCOMPARE(quantized, wantQuantized);
    QCOMPARE(params, expected["params"].toInteger());
    QCOMPARE(buffers, expected["buffer_values"].toInteger());
}

void TestCliTorchScript::probeRefusesSeveralShapes() {
    // A fully convolutional model runs on every probed size: the probe must not pick one.
    int code = 0;
    QString err;
    runJson({"inspect", model("fcn256"), "--trust-code"}, &code, &err);
    QVERIFY(code != 0);
    QVERIFY2(err.contains("several input shapes"), qPrintable(err));
    QVERIFY2(err.contains("3x32x32") && err.contains("3x256x256"), qPrintable(err));
    QVERIFY2(err.contains("--input-shape"), qPrintable(err));
    QVERIFY2(err.contains(model("fcn256")), qPrintable(err));
    // A shape it cannot run on names the shape and the model's own message.
    runJson({"inspect", model("conv_vae28"), "--trust-code", "--input-shape", "1,32,32"}, &code, &err);
    QVERIFY(code != 0);
    QVERIFY2(err.contains("1x32x32"), qPrintable(err));
}

void TestCliTorchScript::untrustedIsRefused() {
    // Without --trust-code the program is read as data: tensors yes, input shape no.
    const QJsonObject j = runJson({"inspect", model("conv_vae28")});
    QCOMPARE(j["trusted"].toBool(), false);
    QVERIFY(j["input_shape"].isNull());
    QCOMPARE(j["params"].toInteger(), readJson(QDir(m_zoo).filePath("conv_vae28.json"))["params"].toInteger());
    int code = 0;
    QString err;
    runJson({"eval", model("conv_vae28"), "--data", "fashion-mnist", "--limit", "8", "--quiet"}, &code, &err);
    QVERIFY(code != 0);
    QVERIFY2(err.contains("--trust-code"), qPrintable(err));
}

void TestCliTorchScript::evalMatchesPyTorch_data() { inspect_data(); }

void TestCliTorchScript::evalMatchesPyTorch() {
    QFETCH(QString, name);
    const QJsonObject ref = readJson(QDir(m_zoo).filePath(name + ".ref.json"));
    const qint64 n = ref["n"].toInteger();
    const QStringList common = QStringList{"eval", model(name), "--trust-code", "--data", "fashion-mnist", "--split", "test", "--limit",
                                           QString::number(n), "--quiet"} +
                               shapeOptions(name);
    const QJsonObject fp32 = runJson(common);
    QCOMPARE(fp32["n"].toInteger(), n);
    const double fp32Mse = fp32["mse"].toObject()["mean"].toDouble();
    const double refFp32 = ref["fp32"].toObject()["mse"].toDouble();
    qInfo("%s fp32: ours %.6g, PyTorch %.6g (%+.3f %%), n = %lld", qPrintable(name), fp32Mse, refFp32, 100 * (fp32Mse / refFp32 - 1), n);
    QVERIFY2(std::abs(fp32Mse - refFp32) / refFp32 < 0.005, qPrintable(QString("FP32: ours %1, PyTorch %2").arg(fp32Mse).arg(refFp32)));
    QCOMPARE(fp32["size"].toObject()["bytes"].toInteger(), ref["fp32"].toObject()["bytes"].toInteger());
    QCOMPARE(fp32["model"].toObject()["arch"].toString(), QString("torchscript"));
    QCOMPARE(fp32["input_range"].toArray(), (QJsonArray{0.0, 1.0}));
    QCOMPARE(fp32["output_range"].toArray(), (QJsonArray{0.0, 1.0}));
    QVERIFY(fp32.contains("buffer_values"));
    // It is a trained model: clearly better than the mean image.
    QCOMPARE(fp32["untrained_warning"].toBool(), false);

    // Data whose shape fits is used as it is; otherwise the conversion is named.
    const QJsonArray notes = fp32["data"].toObject()["notes"].toArray();
    QString noteText;
    for (const auto& v : notes) noteText += v.toString() + "\n";
    const bool fits = name.endsWith("28");
    QVERIFY2(noteText.contains("no conversion") == fits, qPrintable(noteText));
    QVERIFY2(noteText.contains("resized") == !fits, qPrintable(noteText));

    for (const char* scheme : {"int8", "int4", "int4-g64"}) {
        const QJsonObject q = runJson(common + QStringList{"--quant", scheme});
        const double mse = q["mse"].toObject()["mean"].toDouble();
        const double want = ref[scheme].toObject()["mse"].toDouble();
        qInfo("%s %s: ours %.6g, PyTorch %.6g (%+.3f %%), %lld bytes", qPrintable(name), scheme, mse, want, 100 * (mse / want - 1),
              q["size"].toObject()["bytes"].toInteger());
        QVERIFY2(std::abs(mse - want) / want < 0.005, qPrintable(QString("%1: ours %2, PyTorch %3").arg(scheme).arg(mse).arg(want)));
        const QJsonObject size = q["size"].toObject();
        QCOMPARE(size["bytes"].toInteger(), ref[scheme].toObject()["bytes"].toInteger());
        const qint64 values = size["params"].toInteger() + size["buffer_values"].toInteger();
        QCOMPARE(size["fp32_bytes"].toInteger(), 4 * values);
        QCOMPARE(size["effective_bits_per_param"].toDouble(), 8.0 * double(size["bytes"].toInteger()) / double(values));
        // The FP32 model measured beside the quantized copy is the same model, bit for bit.
        QCOMPARE(q["fp32"].toObject()["mse"].toObject()["mean"].toDouble(), fp32Mse);
    }
}

void TestCliTorchScript::exportVerifyAndRunInPyTorch_data() { inspect_data(); }

void TestCliTorchScript::exportVerifyAndRunInPyTorch() {
    QFETCH(QString, name);
    const QString pkg = m_dir.filePath("pkg-" + name);
    const QJsonObject e = runJson(QStringList{"export", model(name), "--trust-code", "--data", "fashion-mnist", "--limit", "48", "--golden",
                                              "4", "--quant", "int8", "--target", "orin-nano-8gb", "--out", pkg, "--quiet"} +
                                  shapeOptions(name));
    QVERIFY2(QFile::exists(pkg + "/manifest.json"), qPrintable(QJsonDocument(e).toJson()));
    const QJsonObject manifest = readJson(pkg + "/manifest.json");
    QCOMPARE(manifest["architecture"].toObject()["arch"].toString(), QString("torchscript"));
    QCOMPARE(manifest["architecture"].toObject()["input_range"].toArray(), (QJsonArray{0.0, 1.0}));
    QVERIFY(manifest["artifacts"].toArray().contains(QJsonValue("model.pt")));

    // verify runs model.pt only when told to trust it.
    auto r = test::runCli({"verify", pkg, "--trust-code"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("PASS"), qPrintable(r.out + r.err));

    const QString out = m_dir.filePath("run-" + name + ".json");
    const auto py = test::runPythonFixture("export_run_torchscript.py", {pkg, model(name), out});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    const QJsonObject p = readJson(out);
    QVERIFY(p["hashes_ok"].toBool());
    QVERIFY(!p["methods"].toArray().isEmpty());
    qInfo("%s: torch.jit.load of model.pt, golden max abs error %.3g", qPrintable(name), p["golden_max_abs_error"].toDouble());
    QVERIFY2(p["golden_max_abs_error"].toDouble() <= 1e-4, qPrintable(QString::number(p["golden_max_abs_error"].toDouble())));
    QVERIFY(p["weights_missing_in_model"].toArray().isEmpty());
    QVERIFY2(p["numpy_weights_vs_model_max_abs"].toDouble() <= 1e-6, qPrintable(QString::number(p["numpy_weights_vs_model_max_abs"].toDouble())));
}

void TestCliTorchScript::latentSliderReasons() {
    // A forward-only model has no latent to reduce; the CLI says why instead of guessing.
    int code = 0;
    QString err;
    runJson({"latent", model("ae_rgb32"), "--trust-code", "--data", "fashion-mnist", "--limit", "16", "--k", "2", "--out",
             m_dir.filePath("never.safetensors"), "--quiet"},
            &code, &err);
    QVERIFY(code != 0);
    QVERIFY2(err.contains("forward-only"), qPrintable(err));
    QVERIFY(!QFile::exists(m_dir.filePath("never.safetensors")));
}

QTEST_GUILESS_MAIN(TestCliTorchScript)
#include "tst_cli_torchscript.moc"
