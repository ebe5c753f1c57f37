// SPDX-License-Identifier: Apache-2.0
// Agreement with PyTorch: tests/fixtures/quant_reference.py builds a seeded SAGE TinyVAE
// (3 channels, L = 16) in real PyTorch, writes its FP32 weights and PyTorch's own
// dequantized tensors (computed independently with torch ops); every tensor we produce
// must match within 1e-6.
#include "quant/modelquantizer.h"

#include "quanttestdata.h"
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

constexpr double kVsPyTorchTol = 1e-6;

std::vector<int64_t> shapeOf(const QJsonValue& v) {
    std::vector<int64_t> s;
    for (const auto& d : v.toArray()) s.push_back(d.toInteger());
    return s;
}

}  // namespace

class TestQuantPyTorch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesPyTorch_data();
    void matchesPyTorch();

private:
    QTemporaryDir m_dir;
    QJsonObject m_manifest;
    StateDict m_weights;
};

void TestQuantPyTorch::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("quant_reference.py", {m_dir.path(), "3", "16", "7"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    QFile mf(m_dir.filePath("manifest.json"));
    QVERIFY(mf.open(QIODevice::ReadOnly));
    m_manifest = QJsonDocument::fromJson(mf.readAll()).object();
    QCOMPARE(m_manifest["count"].toInteger(), qint64(227713));
    for (const auto& p : m_manifest["params"].toArray()) {
        const QString name = p.toObject()["name"].toString();
        const at::Tensor t = test::readRawFloats(m_dir.filePath("fp32/" + name + ".bin"), shapeOf(p.toObject()["shape"]));
        QVERIFY2(t.defined(), qPrintable(name));
        m_weights.set(name.toStdString(), t);
    }
    QCOMPARE(m_weights.parameterCount(), int64_t(227713));
}

void TestQuantPyTorch::matchesPyTorch_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<KernelPath>("path");
    for (const char* s : {"int8", "int4", "int4-g64", "int4-asym", "nf4"}) {
        QTest::newRow(qPrintable(QString("%1, fast kernels").arg(s))) << QString(s) << KernelPath::Fast;
        QTest::newRow(qPrintable(QString("%1, reference kernels").arg(s))) << QString(s) << KernelPath::Reference;
    }
}

void TestQuantPyTorch::matchesPyTorch() {
    QFETCH(QString, scheme);
    QFETCH(KernelPath, path);
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
    plan.kernels.path = path;
    const auto m = quantizeModelTensors(test::tensorsOf(m_weights), plan);
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());

    int compared = 0, quantized = 0;
    for (const auto& p : m_manifest["params"].toArray()) {
        const QString name = p.toObject()["name"].toString();
        const at::Tensor expected = test::readRawFloats(m_dir.filePath(scheme + "/" + name + ".bin"), shapeOf(p.toObject()["shape"]));
        QVERIFY2(expected.defined(), qPrintable(name));
        const at::Tensor mine = m->dequantized.get(name.toStdString());
        QCOMPARE(mine.sizes().vec(), expected.sizes().vec());
        const double diff = (mine - expected).abs().max().item<double>();
        QVERIFY2(diff <= kVsPyTorchTol, qPrintable(QString("%1 %2: max |diff| %3").arg(scheme, name).arg(diff)));
        if (m->find(name.toStdString())) {
            ++quantized;
            // Quantization really happened: the weights changed.
            QVERIFY2(!at::equal(mine, m_weights.get(name.toStdString())), qPrintable(name));
        }
        ++compared;
    }
    QCOMPARE(compared, 30);
    QCOMPARE(quantized, 12);
}

QTEST_GUILESS_MAIN(TestQuantPyTorch)
#include "tst_quantpytorch.moc"
