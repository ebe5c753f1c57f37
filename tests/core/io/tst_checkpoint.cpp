// SPDX-License-Identifier: Apache-2.0
// loadCheckpoint on files made by real PyTorch: every tensor must match what Python saw,
// bit for bit (sha256 of the contiguous bytes), in order, with the stored dtype.

#include "io/checkpoint.h"

#include "common/hash.h"
#include "testsupport.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

QString pythonDtype(c10::ScalarType t) {
    switch (t) {
    case at::kFloat: return "float32";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kDouble: return "float64";
    default: return QString::fromStdString(c10::toString(t));
    }
}

QList<qint64> shapeOf(const at::Tensor& t) {
    QList<qint64> s;
    for (int64_t d : t.sizes()) s << d;
    return s;
}

QList<qint64> shapeOf(const QJsonArray& a) {
    QList<qint64> s;
    for (const auto& v : a) s << qint64(v.toDouble());
    return s;
}

}  // namespace

class TstCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesPython_data();
    void matchesPython();
    void detectsFormat_data();
    void detectsFormat();
    void scriptModuleRuns();
    void keepsFloat16AndDropsIntegers();
    void torchSaveStoragesAreMappedNotCopied();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
    QJsonObject m_ref;
};

void TstCheckpoint::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("io_make_checkpoints.py", {m_dir.path()});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
    QFile f(file("reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_ref = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(!m_ref.isEmpty());
}

void TstCheckpoint::matchesPython_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("torch.save(model.state_dict())") << "tinyvae.pt";
    QTest::newRow("nested model_state_dict with Adam state, epoch, numpy scalar") << "nested_model_state_dict.pt";
    QTest::newRow("nested state_dict") << "nested_state_dict.pt";
    QTest::newRow("nested student_state_dict") << "nested_student_state_dict.pt";
    QTest::newRow("DataParallel module. prefix") << "dataparallel.pt";
    QTest::newRow("float16 state dict") << "half.pt";
    QTest::newRow("transposed, offset, shared-storage, Parameter, bf16, 0-dim views") << "views.pt";
    QTest::newRow("TorchScript archive") << "tinyvae_script.pt";
    QTest::newRow("safetensors written by Python") << "tinyvae.safetensors";
    QTest::newRow("safetensors with every dtype") << "mixed.safetensors";
}

void TstCheckpoint::matchesPython() {
    QFETCH(QString, name);
    const QJsonObject ref = m_ref[name].toObject();
    QVERIFY(!ref.isEmpty());
    CheckpointLoadOptions trusted;
    trusted.trustCode = true;  // the TorchScript row is our own fixture
    auto ckpt = loadCheckpoint(file(name).toStdString(), trusted);
    QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());

    QCOMPARE(QString(checkpointFormatName(ckpt->format)), ref["format"].toString());
    QCOMPARE(QString::fromStdString(ckpt->nestedKey), ref["nestedKey"].toString());
    QCOMPARE(ckpt->script != nullptr, ckpt->format == CheckpointFormat::TorchScript);
    const QJsonObject meta = ref["metadata"].toObject();
    QCOMPARE(int(ckpt->metadata.size()), meta.size());
    for (const auto& [k, v] : ckpt->metadata)
        QCOMPARE(QString::fromStdString(v), meta[QString::fromStdString(k)].toString());

    const QJsonArray tensors = ref["tensors"].toArray();
    QCOMPARE(int(ckpt->weights.size()), tensors.size());
    for (int i = 0; i < tensors.size(); ++i) {
        const QJsonObject x = tensors[i].toObject();
        const auto& e = ckpt->weights.entries()[size_t(i)];
        QCOMPARE(QString::fromStdString(e.name), x["name"].toString());
        QCOMPARE(pythonDtype(e.tensor.scalar_type()), x["dtype"].toString());
        QCOMPARE(shapeOf(e.tensor), shapeOf(x["shape"].toArray()));
        QVERIFY(e.tensor.device().is_cpu());
        // Views of a shared storage stay views (never multiplied into copies): hash their values.
        const at::Tensor values = e.tensor.contiguous();
        const QString sha = QString::fromStdString(sha256Hex(values.data_ptr(), values.nbytes()));
        QVERIFY2(sha == x["sha256"].toString(), qPrintable("bytes differ for " + x["name"].toString()));
        const double sum = e.tensor.to(at::kDouble).sum().item<double>();
        QVERIFY(std::abs(sum - x["sum"].toDouble()) <= 1e-9 * std::max(1.0, std::abs(sum)));
    }
}

void TstCheckpoint::detectsFormat_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("format");
    QTest::newRow("torch.save zip") << "tinyvae.pt" << int(CheckpointFormat::TorchZip);
    QTest::newRow("TorchScript zip") << "tinyvae_script.pt" << int(CheckpointFormat::TorchScript);
    QTest::newRow("safetensors") << "tinyvae.safetensors" << int(CheckpointFormat::Safetensors);
    QTest::newRow("safetensors named .bin") << "safetensors.bin" << int(CheckpointFormat::Safetensors);
    QTest::newRow("torch.save named .safetensors") << "torchsave.safetensors" << int(CheckpointFormat::TorchZip);
}

void TstCheckpoint::detectsFormat() {
    QFETCH(QString, name);
    QFETCH(int, format);
    QFile::copy(file("tinyvae.safetensors"), file("safetensors.bin"));
    QFile::copy(file("tinyvae.pt"), file("torchsave.safetensors"));
    auto f = detectCheckpointFormat(file(name).toStdString());
    QVERIFY(f.ok());
    QCOMPARE(int(*f), format);
}

void TstCheckpoint::scriptModuleRuns() {
    CheckpointLoadOptions trusted;
    trusted.trustCode = true;
    auto ckpt = loadCheckpoint(file("tinyvae_script.pt").toStdString(), trusted);
    QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());
    QVERIFY(ckpt->script);
    QCOMPARE(ckpt->weights.parameterCount(), int64_t(227713));
    const at::Tensor out = ckpt->script->get_method("decode")({at::zeros({2, 16})}).toTensor();
    QCOMPARE(shapeOf(out), (QList<qint64>{2, 3, 64, 64}));
    // weights are copies: changing them must not change the module.
    ckpt->weights.get("fc_mu.weight").zero_();
    for (const auto& p : ckpt->script->named_parameters())
        if (p.name == "fc_mu.weight") QVERIFY(p.value.abs().sum().item<double>() > 0);
}

void TstCheckpoint::keepsFloat16AndDropsIntegers() {
    auto half = loadCheckpoint(file("half.pt").toStdString());
    QVERIFY(half.ok());
    for (const auto& e : half->weights.entries()) QCOMPARE(e.tensor.scalar_type(), at::kHalf);
    auto views = loadCheckpoint(file("views.pt").toStdString());
    QVERIFY(views.ok());
    QVERIFY(views->weights.contains("bn.running_mean"));
    QVERIFY(!views->weights.contains("bn.num_batches_tracked"));
    QVERIFY(!views->weights.contains("mask"));
    // base.t() of arange(48).reshape(6, 8): row 0 is 0, 8, 16, ...
    const at::Tensor w = views->weights.get("proj.weight");
    QCOMPARE(shapeOf(w), (QList<qint64>{8, 6}));
    QCOMPARE(w[0][1].item<float>(), 8.f);
    QCOMPARE(views->weights.get("proj.bias")[0].item<float>(), 5.f);
}

// A torch.save storage (stored, 64-byte aligned by PyTorch) is a view of a private mapping of
// the file: its address lies in a mapping of that file (/proc/self/maps), it outlives the
// checkpoint object, and changing it in place never changes the file.
void TstCheckpoint::torchSaveStoragesAreMappedNotCopied() {
    const QString path = file("tinyvae.pt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();
    at::Tensor w;
    std::string name;
    {
        auto ckpt = loadCheckpoint(path.toStdString());
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());
        name = ckpt->weights.entries().front().name;
        w = ckpt->weights.entries().front().tensor;
    }
    const auto address = reinterpret_cast<quintptr>(w.data_ptr());
    QFile maps(QStringLiteral("/proc/self/maps"));
    QVERIFY(maps.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString canonical = QFileInfo(path).canonicalFilePath();
    bool inMapping = false;
    for (const QByteArray& line : maps.readAll().split('\n')) {
        if (!line.trimmed().endsWith(canonical.toUtf8())) continue;
        const QList<QByteArray> range = line.split(' ').front().split('-');
        const quintptr lo = range[0].toULongLong(nullptr, 16), hi = range[1].toULongLong(nullptr, 16);
        inMapping = inMapping || (address >= lo && address < hi);
    }
    QVERIFY2(inMapping, "the tensor's bytes are not inside a mapping of the file");
    const at::Tensor original = w.clone();
    w.add_(1.0);
    auto again = loadCheckpoint(path.toStdString());
    QVERIFY(again.ok());
    QVERIFY(at::equal(again->weights.get(name), original));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
}

QTEST_GUILESS_MAIN(TstCheckpoint)
#include "tst_checkpoint.moc"
