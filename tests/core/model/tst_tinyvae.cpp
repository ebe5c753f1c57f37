// SPDX-License-Identifier: Apache-2.0
// TinyVAE: SAGE's names and shapes, PyTorch-equal forward, config inference errors.
#include "model/tinyvae.h"

#include "testsupport.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

at::Tensor readRaw(const QString& path, const std::vector<int64_t>& shape) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    at::Tensor t = at::empty(shape, at::kFloat);
    if (static_cast<size_t>(bytes.size()) != t.numel() * sizeof(float)) return {};
    std::memcpy(t.data_ptr<float>(), bytes.constData(), static_cast<size_t>(bytes.size()));
    return t;
}

std::vector<int64_t> shapeOf(const QJsonValue& v) {
    std::vector<int64_t> s;
    for (const auto& d : v.toArray()) s.push_back(d.toInteger());
    return s;
}

}  // namespace

class TestTinyVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterCount_data();
    void parameterCount();
    void matchesPyTorch_data();
    void matchesPyTorch();
    void inferConfigErrors_data();
    void inferConfigErrors();
    void randomInitIsSeeded();
};

void TestTinyVae::parameterCount_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("latent");
    QTest::addColumn<qint64>("expected");
    // 31,073 + 12,290 L for 3 channels (SAGE).
    QTest::newRow("rgb L=64") << 3 << 64 << qint64(817633);
    QTest::newRow("rgb L=16") << 3 << 16 << qint64(227713);
    QTest::newRow("rgb L=4") << 3 << 4 << qint64(80233);
}

void TestTinyVae::parameterCount() {
    QFETCH(int, channels);
    QFETCH(int, latent);
    QFETCH(qint64, expected);
    const TinyVaeConfig c{channels, latent};
    QCOMPARE(c.parameterCount(), expected);
    const TinyVae m = TinyVae::randomInit(c, 1);
    QCOMPARE(m.weights().parameterCount(), expected);
    QCOMPARE(m.info().params, expected);
    QCOMPARE(m.info().fp32Bytes(), 4 * expected);
}

void TestTinyVae::matchesPyTorch_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("latent");
    QTest::newRow("rgb L=16") << 3 << 16;
    QTest::newRow("gray L=8") << 1 << 8;
}

void TestTinyVae::matchesPyTorch() {
    QFETCH(int, channels);
    QFETCH(int, latent);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto r = test::runPythonFixture("model_reference.py",
                                          {dir.path(), QString::number(channels), QString::number(latent), "7"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile mf(dir.filePath("manifest.json"));
    QVERIFY(mf.open(QIODevice::ReadOnly));
    const QJsonObject m = QJsonDocument::fromJson(mf.readAll()).object();

    StateDict sd;
    for (const auto& p : m["params"].toArray()) {
        const QString name = p.toObject()["name"].toString();
        at::Tensor t = readRaw(dir.filePath(name + ".bin"), shapeOf(p.toObject()["shape"]));
        QVERIFY2(t.defined(), qPrintable(name));
        sd.set(name.toStdString(), t);
    }
    auto model = TinyVae::fromStateDict(sd);
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
    QCOMPARE(model->config().channels, int64_t(channels));
    QCOMPARE(model->config().latentDim, int64_t(latent));
    QCOMPARE(model->info().params, qint64(m["count"].toInteger()));

    const at::Tensor x = readRaw(dir.filePath("x.bin"), shapeOf(m["x"]));
    const at::Tensor mu = readRaw(dir.filePath("mu.bin"), shapeOf(m["mu"]));
    const at::Tensor logvar = readRaw(dir.filePath("logvar.bin"), shapeOf(m["logvar"]));
    const at::Tensor recon = readRaw(dir.filePath("recon.bin"), shapeOf(m["recon"]));
    at::NoGradGuard g;
    auto [myMu, myLogvar] = model->encodeMuLogvar(x);
    QVERIFY((myMu - mu).abs().max().item<double>() < 1e-5);
    QVERIFY((myLogvar - logvar).abs().max().item<double>() < 1e-5);
    QVERIFY((model->reconstruct(x) - recon).abs().max().item<double>() < 1e-5);
}

void TestTinyVae::inferConfigErrors_data() {
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing decoder.6.weight") << "drop:decoder.6.weight" << "missing tensor 'decoder.6.weight'";
    QTest::newRow("wrong-shape fc_logvar") << "reshape:fc_logvar.weight" << "tensor 'fc_logvar.weight' has shape [8, 4096], expected [16, 4096]";
    QTest::newRow("foreign tensor") << "add:classifier.weight" << "unexpected tensor 'classifier.weight'";
    QTest::newRow("no encoder") << "drop:encoder.0.depthwise.weight" << "not a TinyVAE state dict";
}

void TestTinyVae::inferConfigErrors() {
    QFETCH(QString, mutation);
    QFETCH(QString, expected);
    const TinyVae base = TinyVae::randomInit({3, 16}, 3);
    StateDict sd;
    const auto [op, name] = std::make_pair(mutation.section(':', 0, 0).toStdString(), mutation.section(':', 1).toStdString());
    for (const auto& e : base.weights().entries()) {
        if (op == "drop" && e.name == name) continue;
        sd.set(e.name, op == "reshape" && e.name == name ? at::zeros({8, 4096}) : e.tensor);
    }
    if (op == "add") sd.set(name, at::zeros({2, 2}));
    auto r = TinyVae::fromStateDict(sd);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains(expected), r.error().message.c_str());
}

void TestTinyVae::randomInitIsSeeded() {
    const TinyVae a = TinyVae::randomInit({1, 8}, 42), b = TinyVae::randomInit({1, 8}, 42), c = TinyVae::randomInit({1, 8}, 43);
    QVERIFY(a.weights().get("fc_mu.weight").equal(b.weights().get("fc_mu.weight")));
    QVERIFY(!a.weights().get("fc_mu.weight").equal(c.weights().get("fc_mu.weight")));
    // PyTorch's default bound for Linear(4096, L): 1/sqrt(4096).
    QVERIFY(a.weights().get("fc_mu.weight").abs().max().item<double>() <= 1.0 / 64.0);
    QCOMPARE(a.weights().get("encoder.1.norm.weight").sum().item<double>(), 32.0);
}

QTEST_GUILESS_MAIN(TestTinyVae)
#include "tst_tinyvae.moc"
