// SPDX-License-Identifier: Apache-2.0
// weights.safetensors: the stored bytes exactly (the data section is serializePayload()),
// re-opened by our reader and by an independent numpy reader (tests/fixtures/
// export_read_packed.py, json + struct + numpy) to the same dequantized values, for every
// scheme; broken files give errors naming the file and the tensor.
#include "export/packedweights.h"

#include "io/safetensors.h"
#include "model/tinyvae.h"
#include "quant/modelquantizer.h"
#include "quant/payloadserializer.h"

#include "exporttestdata.h"
#include "testsupport.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestPackedWeights : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTrip_data();
    void roundTrip();
    void brokenFiles_data();
    void brokenFiles();

private:
    QuantizedModel quantize(const QString& scheme, bool biases = false) const;
    QTemporaryDir m_dir;
    StateDict m_weights;
};

void TestPackedWeights::initTestCase() {
    QVERIFY(m_dir.isValid());
    // 3 channels, L = 4: every layer kind, odd group tails, 80,233 parameters.
    m_weights = TinyVae::randomInit({3, 4}, 11).weights();
}

QuantizedModel TestPackedWeights::quantize(const QString& scheme, bool biases) const {
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
    plan.quantizeBiases = biases;
    auto q = quantizeModelTensors(TinyVae(TinyVaeConfig{3, 4}, m_weights).tensors(), plan);
    if (!q) qFatal("%s", q.error().message.c_str());
    return std::move(*q);
}

void TestPackedWeights::roundTrip_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<bool>("biases");
    QTest::newRow("int8 per-channel") << "int8" << false;
    QTest::newRow("int4 group 64") << "int4-g64" << false;
    QTest::newRow("int4 group 64, FP32 scales") << "int4-g64-scale=fp32" << false;
    QTest::newRow("int3 asymmetric per-channel") << "int3-asym" << false;
    QTest::newRow("int2 group 32 asymmetric") << "int2-g32-asym" << false;
    QTest::newRow("int5 per-tensor") << "int5-tensor" << false;
    QTest::newRow("int7 group 128") << "int7-g128" << false;
    QTest::newRow("int6, biases and norms quantized too") << "int6" << true;
    QTest::newRow("nf4 block 64") << "nf4" << false;
    QTest::newRow("ternary base-3") << "ternary" << false;
    QTest::newRow("ternary 2-bit per-tensor") << "ternary-2bit-tensor" << false;
    QTest::newRow("fp16 cast") << "fp16" << false;
    QTest::newRow("bf16 cast") << "bf16" << false;
    QTest::newRow("fp32 (nothing quantized)") << "fp32" << false;
}

void TestPackedWeights::roundTrip() {
    QFETCH(QString, scheme);
    QFETCH(bool, biases);
    const QuantizedModel q = quantize(scheme, biases);
    const QString dir = m_dir.filePath(QString(QTest::currentDataTag()).replace(' ', '_').replace(',', ""));
    QVERIFY(QDir().mkpath(dir));
    const std::string path = (dir + "/weights.safetensors").toStdString();
    auto info = writePackedWeights(path, q, "pareto test");
    QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());

    // The data section is the stored payload byte for byte; the file adds the header only.
    QCOMPARE(info->dataBytes, q.size.bytes);
    QCOMPARE(info->fileBytes, info->headerBytes + info->dataBytes);
    QCOMPARE(int64_t(std::filesystem::file_size(path)), info->fileBytes);
    QVERIFY(info->headerBytes % 8 == 0);
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray all = f.readAll();
    const std::string payload = serializePayload(q);
    QCOMPARE(int64_t(payload.size()), q.size.bytes);
    QVERIFY(all.mid(info->headerBytes) == QByteArray(payload.data(), int(payload.size())));

    // Our reader (validating safetensors reader + reference kernels) gives the same values.
    auto back = readPackedWeights(path);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->dataBytes, q.size.bytes);
    QCOMPARE(back->size.bytes, q.size.bytes);
    QCOMPARE(back->tensors.size(), q.tensors.size());
    QCOMPARE(back->dequantized.names(), q.dequantized.names());
    for (const auto& e : q.dequantized.entries()) {
        QVERIFY2(at::equal(back->dequantized.get(e.name), e.tensor), e.name.c_str());
        QCOMPARE(back->size.find(e.name)->bytes, q.size.find(e.name)->bytes);
        QCOMPARE(back->size.find(e.name)->scheme, q.size.find(e.name)->scheme);
    }
    QCOMPARE(QString::fromStdString(back->metadata.at("format")), QString(kPackedWeightsFormat));

    // An independent reader, in numpy from the documented layout, agrees exactly.
    const auto r = test::runPythonFixture("export_read_packed.py", {QString::fromStdString(path), dir + "/numpy"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    QFile sf(dir + "/numpy/summary.json");
    QVERIFY(sf.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(sf.readAll()).object();
    QCOMPARE(summary["data_bytes"].toInteger(), q.size.bytes);
    QCOMPARE(summary["file_bytes"].toInteger(), info->fileBytes);
    QCOMPARE(summary["metadata_bytes"].toInteger(), q.size.bytes);
    QCOMPARE(summary["tensors"].toArray().size(), qsizetype(q.dequantized.size()));
    for (const auto& e : q.dequantized.entries()) {
        const at::Tensor numpy = test::readRawFloats(dir + "/numpy/" + QString::fromStdString(e.name) + ".bin", e.tensor.sizes().vec());
        QVERIFY2(numpy.defined(), e.name.c_str());
        const double diff = (numpy - e.tensor).abs().max().item<double>();
        QVERIFY2(diff == 0.0, qPrintable(QString("%1: numpy differs by %2").arg(QString::fromStdString(e.name)).arg(diff)));
    }
}

void TestPackedWeights::brokenFiles_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("message");
    QTest::newRow("a described tensor is missing") << "drop fc_mu.weight.scales" << "fc_mu.weight.scales";
    QTest::newRow("a tensor nobody describes") << "extra stray" << "stray";
    QTest::newRow("not our format") << "format other" << "not a Pareto packed weights file";
    QTest::newRow("metadata 'tensors' is not JSON") << "tensors garbage" << "not valid JSON";
    QTest::newRow("scheme does not parse") << "scheme int9" << "fc_mu.weight";
    QTest::newRow("packed codes too short") << "shrink fc_mu.weight.packed" << "fc_mu.weight";
}

void TestPackedWeights::brokenFiles() {
    QFETCH(QString, damage);
    QFETCH(QString, message);
    const QuantizedModel q = quantize("int4-g64");
    const std::string good = m_dir.filePath("good.safetensors").toStdString();
    QVERIFY(writePackedWeights(good, q, "pareto test").ok());
    std::map<std::string, std::string> meta;
    auto tensors = readSafetensors(good, &meta);
    QVERIFY(tensors.ok());
    StateDict sd;
    const QStringList parts = damage.split(' ');
    for (const auto& e : tensors->entries()) {
        if (parts[0] == "drop" && e.name == parts[1].toStdString()) continue;
        if (parts[0] == "shrink" && e.name == parts[1].toStdString()) {
            sd.set(e.name, e.tensor.narrow(0, 0, e.tensor.size(0) - 1).clone());
            continue;
        }
        sd.set(e.name, e.tensor);
    }
    if (parts[0] == "extra") sd.set(parts[1].toStdString(), at::zeros({3}));
    if (parts[0] == "format") meta["format"] = parts[1].toStdString();
    if (parts[0] == "tensors") meta["tensors"] = "{not json";
    if (parts[0] == "scheme") {
        const auto pos = meta["tensors"].find("\"int4-g64\"");
        QVERIFY(pos != std::string::npos);
        // The first described quantized tensor gets a scheme that does not parse; find which.
        meta["tensors"].replace(pos, 10, "\"int9-g64\"");
    }
    const std::string bad = m_dir.filePath("bad.safetensors").toStdString();
    QVERIFY(writeSafetensors(bad, sd, meta).ok());
    auto r = readPackedWeights(bad);
    QVERIFY(!r.ok());
    const QString err = QString::fromStdString(r.error().message);
    QVERIFY2(err.startsWith(QString::fromStdString(bad)), qPrintable(err));
    if (damage.startsWith("scheme")) QVERIFY2(err.contains("int9"), qPrintable(err));
    else QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(!err.contains('\n'));
}

QTEST_GUILESS_MAIN(TestPackedWeights)
#include "tst_packedweights.moc"
