// SPDX-License-Identifier: Apache-2.0
// Whole state dicts: hand-counted sizes of a 3-channel L=16 TinyVAE, payload size ==
// report, a deep independent copy, the model's tensor roles (ConvTranspose on axis 1), precision maps through the plan, progress and cancel.
#include "quant/modelquantizer.h"
#include "quant/payloadserializer.h"

#include "quanttestdata.h"
#include "testsupport.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <limits>

using namespace pareto;

namespace {

constexpr int64_t kTinyVaeParams = 227713;  // 31,073 + 12,290 * 16
constexpr int64_t kRank1Params = 4566;      // biases and GroupNorm affine parameters

using ByteTable = QMap<QString, qint64>;

QuantPlan planFor(const char* scheme) {
    QuantPlan p;
    p.defaultScheme = *QuantScheme::parse(scheme);
    return p;
}

}  // namespace

class TestModelQuantizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizeReportHandCounted_data();
    void sizeReportHandCounted();
    void payloadSizeEqualsReport_data();
    void payloadSizeEqualsReport();
    void deepIndependentCopy();
    void precisionMapThroughPlan();
    void quantizeBiases();
    void nonFloatingBuffers();
    void progressAndCancel();
    void failingTensorIsNamed();
};

void TestModelQuantizer::sizeReportHandCounted_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<ByteTable>("weightBytes");
    QTest::addColumn<qint64>("total");
    // int8 per channel: numel + 2 bytes (FP16 scale) per output channel; ConvTranspose
    // weights have their channels on axis 1 (decoder.2: 32, decoder.4: 16, decoder.6: 3).
    QTest::newRow("int8 per channel")
        << "int8"
        << ByteTable{{"encoder.0.depthwise.weight", 27 + 6},   {"encoder.0.pointwise.weight", 48 + 32},
                     {"encoder.1.depthwise.weight", 144 + 32}, {"encoder.1.pointwise.weight", 512 + 64},
                     {"encoder.2.depthwise.weight", 288 + 64}, {"encoder.2.pointwise.weight", 2048 + 128},
                     {"fc_mu.weight", 65536 + 32},             {"fc_logvar.weight", 65536 + 32},
                     {"decoder_input.weight", 65536 + 8192},   {"decoder.2.weight", 18432 + 64},
                     {"decoder.4.weight", 4608 + 32},          {"decoder.6.weight", 432 + 6}}
        << qint64(231831 + 4 * kRank1Params);
    // int3 group 64 asym: ceil(3 n / 8) packed + 2 bytes per group + ceil(3 groups / 8).
    // Groups: rows x ceil(rowLength / 64), e.g. decoder.2 = 32 rows of 576 -> 32 x 9.
    QTest::newRow("int3 group 64 asym")
        << "int3-g64-asym"
        << ByteTable{{"encoder.0.depthwise.weight", 11 + 6 + 2},      {"encoder.0.pointwise.weight", 18 + 32 + 6},
                     {"encoder.1.depthwise.weight", 54 + 32 + 6},     {"encoder.1.pointwise.weight", 192 + 64 + 12},
                     {"encoder.2.depthwise.weight", 108 + 64 + 12},   {"encoder.2.pointwise.weight", 768 + 128 + 24},
                     {"fc_mu.weight", 24576 + 2048 + 384},            {"fc_logvar.weight", 24576 + 2048 + 384},
                     {"decoder_input.weight", 24576 + 8192 + 1536},   {"decoder.2.weight", 6912 + 576 + 108},
                     {"decoder.4.weight", 1728 + 160 + 30},           {"decoder.6.weight", 162 + 18 + 4}}
        << qint64(99557 + 4 * kRank1Params);
    // ternary base-3 per channel: ceil(n / 5) + 2 bytes per channel.
    QTest::newRow("ternary base-3")
        << "ternary"
        << ByteTable{{"encoder.0.depthwise.weight", 6 + 6},       {"encoder.0.pointwise.weight", 10 + 32},
                     {"encoder.1.depthwise.weight", 29 + 32},     {"encoder.1.pointwise.weight", 103 + 64},
                     {"encoder.2.depthwise.weight", 58 + 64},     {"encoder.2.pointwise.weight", 410 + 128},
                     {"fc_mu.weight", 13108 + 32},                {"fc_logvar.weight", 13108 + 32},
                     {"decoder_input.weight", 13108 + 8192},      {"decoder.2.weight", 3687 + 64},
                     {"decoder.4.weight", 922 + 32},              {"decoder.6.weight", 87 + 6}}
        << qint64(53320 + 4 * kRank1Params);
}

void TestModelQuantizer::sizeReportHandCounted() {
    QFETCH(QString, scheme);
    QFETCH(ByteTable, weightBytes);
    QFETCH(qint64, total);
    const StateDict sd = test::tinyVaeStateDict(1);
    QCOMPARE(sd.parameterCount(), kTinyVaeParams);
    const auto m = quantizeModelTensors(test::tensorsOf(sd), planFor(qPrintable(scheme)));
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
    const SizeReport& r = m->size;
    QCOMPARE(r.tensors.size(), sd.size());
    int64_t params = 0;
    for (const auto& e : r.tensors) {
        params += e.params;
        const QString name = QString::fromStdString(e.name);
        if (weightBytes.contains(name)) {
            QCOMPARE(QString::fromStdString(e.scheme), scheme);
            QCOMPARE(qint64(e.bytes), weightBytes[name]);
        } else {  // every tensor left in FP32 counts 4 bytes per parameter
            QCOMPARE(QString::fromStdString(e.scheme), QString("fp32"));
            QCOMPARE(qint64(e.bytes), qint64(4 * e.params));
        }
    }
    QCOMPARE(params, kTinyVaeParams);
    QCOMPARE(r.params, kTinyVaeParams);
    QCOMPARE(qint64(r.bytes), total);
    QCOMPARE(r.fp32Bytes, 4 * kTinyVaeParams);
    QCOMPARE(r.ratio, double(r.fp32Bytes) / double(total));
    QCOMPARE(r.effectiveBitsPerParam, 8.0 * double(total) / double(kTinyVaeParams));
    QCOMPARE(m->tensors.size(), size_t(12));
    QCOMPARE(m->find("decoder.2.weight")->axis, int64_t(1));
    QCOMPARE(m->find("fc_mu.weight")->axis, int64_t(0));
    qInfo("%s: %lld bytes, ratio %.3f, %.3f bits/param", qPrintable(scheme), static_cast<long long>(r.bytes), r.ratio,
          r.effectiveBitsPerParam);
}

void TestModelQuantizer::payloadSizeEqualsReport_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<bool>("biases");
    for (const char* s : {"fp32", "fp16", "bf16", "int8", "int4-g64", "int3-asym", "int2-g32-asym", "int5-tensor", "nf4",
                          "ternary", "ternary-2bit", "int4-scale=fp32", "int6-g128-clip=mse"}) {
        QTest::newRow(s) << QString(s) << false;
        QTest::newRow(qPrintable(QString(s) + ", biases quantized")) << QString(s) << true;
    }
}

void TestModelQuantizer::payloadSizeEqualsReport() {
    QFETCH(QString, scheme);
    QFETCH(bool, biases);
    QuantPlan plan = planFor(qPrintable(scheme));
    plan.quantizeBiases = biases;
    const auto m = quantizeModelTensors(test::tensorsOf(test::tinyVaeStateDict(2)), plan);
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
    const std::string payload = serializePayload(*m);
    QCOMPARE(qint64(payload.size()), qint64(m->size.bytes));
    int64_t sum = 0;
    for (const auto& e : m->size.tensors) sum += e.bytes;
    QCOMPARE(sum, m->size.bytes);
}

void TestModelQuantizer::deepIndependentCopy() {
    const StateDict base = test::tinyVaeStateDict(3);
    const StateDict before = base.deepClone();
    for (const char* s : {"int4-g64", "fp32", "fp16"}) {
        const auto m = quantizeModelTensors(test::tensorsOf(base), planFor(s));
        QVERIFY(m.ok());
        QCOMPARE(m->dequantized.names(), base.names());
        for (const auto& e : base.entries()) {
            const at::Tensor& orig = e.tensor;
            const at::Tensor deq = m->dequantized.get(e.name);
            // The baseline is untouched, bit for bit.
            QVERIFY2(test::bitIdentical(orig, before.get(e.name)), e.name.c_str());
            // New storage for every tensor, FP32 leftovers included.
            QVERIFY2(deq.data_ptr() != orig.data_ptr(), e.name.c_str());
            QVERIFY2(!deq.storage().is_alias_of(orig.storage()), e.name.c_str());
            QCOMPARE(deq.scalar_type(), at::kFloat);
            QCOMPARE(deq.sizes().vec(), orig.sizes().vec());
            if (e.tensor.dim() < 2 || std::string(s) == "fp32") QVERIFY2(test::bitIdentical(deq, orig), e.name.c_str());
        }
        // Changing the copy cannot reach the baseline.
        m->dequantized.get("encoder.0.norm.weight").fill_(42.0f);
        QVERIFY(test::bitIdentical(base.get("encoder.0.norm.weight"), before.get("encoder.0.norm.weight")));
    }
}

void TestModelQuantizer::precisionMapThroughPlan() {
    QuantPlan plan = planFor("int8");
    auto map = PrecisionMap::loadFile(test::testData("quant/precisionmap_tinyvae.json").toStdString());
    QVERIFY(map.ok());
    plan.precisionMap = *map;
    const auto m = quantizeModelTensors(test::tensorsOf(test::tinyVaeStateDict(4)), plan);
    QVERIFY(m.ok());
    const auto schemeOf = [&](const char* n) { return QString::fromStdString(m->size.find(n)->scheme); };
    QCOMPARE(schemeOf("decoder.6.weight"), QString("int8"));
    QCOMPARE(schemeOf("decoder.4.weight"), QString("int4"));
    QCOMPARE(schemeOf("fc_logvar.weight"), QString("int4-g64"));
    QCOMPARE(schemeOf("decoder_input.weight"), QString("nf4"));
    QCOMPARE(schemeOf("encoder.2.pointwise.weight"), QString("int6-asym"));
    QCOMPARE(schemeOf("encoder.0.depthwise.bias"), QString("fp32"));  // "*.bias" and "encoder.0.*" cannot override policy
    QCOMPARE(schemeOf("decoder.6.bias"), QString("fp32"));
    QCOMPARE(m->find("decoder.4.weight")->scheme.toString(), std::string("int4"));
    bool namedEntry5 = false;
    for (const auto& w : m->warnings) namedEntry5 |= QString::fromStdString(w).contains("entry 5 ('encoder.9.*' -> int2)");
    QVERIFY(namedEntry5);
    QCOMPARE(m->matches.unusedRules(), (std::vector<int>{5, 6}));
}

void TestModelQuantizer::quantizeBiases() {
    QuantPlan plan = planFor("int8");
    plan.quantizeBiases = true;
    const auto m = quantizeModelTensors(test::tensorsOf(test::tinyVaeStateDict(5)), plan);
    QVERIFY(m.ok());
    QCOMPARE(m->tensors.size(), size_t(30));
    // A rank-1 tensor is one row: 4096 codes + one FP16 scale.
    QCOMPARE(m->size.find("decoder_input.bias")->bytes, int64_t(4096 + 2));
    QCOMPARE(m->size.find("encoder.1.norm.weight")->scheme, std::string("int8"));
}

void TestModelQuantizer::nonFloatingBuffers() {
    std::vector<ModelTensor> tensors = test::tensorsOf(test::tinyVaeStateDict(6));
    ModelTensor counter;
    counter.name = "encoder.0.norm.num_batches_tracked";
    counter.tensor = at::full({}, 7, at::kLong);
    counter.buffer = true;
    tensors.push_back(counter);
    const auto m = quantizeModelTensors(tensors, planFor("int4"));
    QVERIFY(m.ok());
    const auto* e = m->size.find("encoder.0.norm.num_batches_tracked");
    QVERIFY(e);
    QCOMPARE(e->params, int64_t(0));
    QCOMPARE(e->bytes, int64_t(8));
    QCOMPARE(e->scheme, std::string("raw Long"));
    QCOMPARE(m->size.params, kTinyVaeParams);
    QCOMPARE(m->dequantized.get("encoder.0.norm.num_batches_tracked").item<int64_t>(), int64_t(7));
    QCOMPARE(qint64(serializePayload(*m).size()), qint64(m->size.bytes));
}

void TestModelQuantizer::progressAndCancel() {
    const StateDict sd = test::tinyVaeStateDict(7);
    std::vector<std::string> stages;
    double last = -1;
    bool monotone = true;
    ProgressSink sink([&](double f, const std::string& s) {
        monotone &= f >= last;
        last = f;
        stages.push_back(s);
        return true;
    });
    QVERIFY(quantizeModelTensors(test::tensorsOf(sd), planFor("int4"), sink).ok());
    QCOMPARE(stages.size(), sd.size() + 1);  // once per tensor, then done
    QCOMPARE(stages.front(), std::string("quantizing encoder.0.depthwise.weight"));
    QVERIFY(monotone);
    QCOMPARE(last, 1.0);

    int calls = 0;
    ProgressSink stopper([&](double, const std::string&) { return ++calls < 5; });
    const auto r = quantizeModelTensors(test::tensorsOf(sd), planFor("int4"), stopper);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(calls, 5);

    CancelToken token = makeCancelToken();
    token->store(true);
    const auto r2 = quantizeModelTensors(test::tensorsOf(sd), planFor("int4"), ProgressSink({}, token));
    QVERIFY(!r2.ok());
    QVERIFY(r2.error().isCancelled());
}

void TestModelQuantizer::failingTensorIsNamed() {
    StateDict sd = test::tinyVaeStateDict(8);
    at::Tensor w = sd.get("decoder.4.weight").clone();
    w[3][2][1][0] = std::numeric_limits<float>::quiet_NaN();
    sd.set("decoder.4.weight", w);
    const auto r = quantizeModelTensors(test::tensorsOf(sd), planFor("int8"));
    QVERIFY(!r.ok());
    QVERIFY(!r.error().isCancelled());
    QVERIFY2(QString::fromStdString(r.error().message).contains("'decoder.4.weight'"), r.error().message.c_str());
    QuantPlan bad = planFor("int8");
    bad.defaultScheme.bits = 12;
    QVERIFY(!quantizeModelTensors(test::tensorsOf(sd), bad).ok());
}

QTEST_GUILESS_MAIN(TestModelQuantizer)
#include "tst_modelquantizer.moc"
