// SPDX-License-Identifier: Apache-2.0
// TensorRT rule checks per tensor and board, and planTensors() agreeing with the quantizer.
#include "export/deploymentcheck.h"
#include "export/onnxpackage.h"
#include "export/plannedtensor.h"
#include "export/tensorrtcheck.h"
#include "model/tinyvae.h"
#include "quant/modelquantizer.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace pareto;

namespace {

using Severity = TensorRtCheck::Finding::Severity;

const TensorRtCheck::Finding* findRule(const TensorRtCheck& c, const std::string& rule, const std::string& tensor) {
    for (const auto& f : c.findings)
        if (f.rule == rule && (tensor.empty() || f.tensor == tensor)) return &f;
    return nullptr;
}

/// The tensors of a seeded TinyVAE with C channels and latent L, with the roles it gives them.
std::vector<ModelTensor> tinyVaeTensors(int64_t channels, int64_t latent) {
    return TinyVae::randomInit({channels, latent}, 1).tensors();
}

}  // namespace

class TestTensorRtCheck : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rules_data();
    void rules();
    void wrongConvTransposeAxis();
    void linearWeightStoredInOut();
    void planTensorsMatchesQuantizer();
    void layerKinds();
    void plannedBytesEqualTheQuantizers_data();
    void plannedBytesEqualTheQuantizers();
    void deploymentCheckInOneCall();
    void groupedFindingsFoldTensors();
};

void TestTensorRtCheck::rules_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("rule");      // a finding that must be there ("" = none needed)
    QTest::addColumn<QString>("tensor");    // on this tensor ("" = any)
    QTest::addColumn<int>("severity");
    QTest::addColumn<int>("errors");
    QTest::addColumn<int>("native");        // of the 12 quantized weights
    QTest::newRow("int8 per-channel on Orin: every weight native Q/DQ") << "int8" << "orin-nano-8gb" << "int8-range" << "decoder.2.weight" << int(Severity::Info) << 0 << 12;
    QTest::newRow("int8 per-tensor on Orin: native") << "int8-tensor" << "orin-nx-16gb" << "int8-range" << "fc_mu.weight" << int(Severity::Info) << 0 << 12;
    QTest::newRow("int8 on Jetson Nano: Maxwell has no INT8") << "int8" << "jetson-nano-4gb" << "int8-unsupported" << "encoder.0.pointwise.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("int4 group 64 on Orin: Linear weight-only native") << "int4-g64" << "orin-nano-8gb" << "int4-weight-only" << "fc_mu.weight" << int(Severity::Info) << 0 << 3;
    QTest::newRow("int4 group 64 on Orin: Conv weights dequantized at load") << "int4-g64" << "orin-nano-8gb" << "sub-8-bit" << "encoder.1.pointwise.weight" << int(Severity::Warning) << 0 << 3;
    QTest::newRow("int4 on Jetson Nano: nothing native") << "int4" << "jetson-nano-4gb" << "sub-8-bit" << "fc_mu.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("int4 asymmetric: zero-point must be 0") << "int4-asym" << "orin-nano-8gb" << "zero-point" << "fc_logvar.weight" << int(Severity::Error) << 12 << 0;
    QTest::newRow("int8 asymmetric: zero-point must be 0") << "int8-asym" << "agx-orin-64gb" << "zero-point" << "decoder.6.weight" << int(Severity::Error) << 12 << 0;
    QTest::newRow("int8 group 64: TensorRT INT8 scales are per-tensor/channel") << "int8-g64" << "orin-nano-8gb" << "group-int8" << "fc_mu.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("int3 group 64: sub-8-bit") << "int3-g64" << "orin-nano-8gb" << "sub-8-bit" << "decoder_input.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("nf4: not a TensorRT type") << "nf4" << "orin-nano-8gb" << "not-native" << "fc_mu.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("ternary: not a TensorRT type") << "ternary" << "orin-nano-8gb" << "not-native" << "decoder.4.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("fp16 cast: nothing quantized") << "fp16" << "orin-nano-8gb" << "" << "" << 0 << 0 << 0;
    QTest::newRow("bf16 cast: not in Orin's list") << "bf16" << "orin-nano-8gb" << "bf16" << "fc_mu.weight" << int(Severity::Warning) << 0 << 0;
    QTest::newRow("per-channel scales need opset 13") << "int8" << "orin-nano-8gb" << "opset" << "" << int(Severity::Info) << 0 << 12;
    QTest::newRow("FP16 scales are converted exactly") << "int4" << "orin-nano-8gb" << "scale-dtype" << "" << int(Severity::Info) << 0 << 3;
}

void TestTensorRtCheck::rules() {
    QFETCH(QString, scheme);
    QFETCH(QString, profile);
    QFETCH(QString, rule);
    QFETCH(QString, tensor);
    QFETCH(int, severity);
    QFETCH(int, errors);
    QFETCH(int, native);
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
    const auto planned = planTensors(tinyVaeTensors(3, 16), plan);
    const TensorRtCheck c = checkTensorRt(planned, *findDeviceProfile(profile.toStdString()));
    QCOMPARE(c.errors, errors);
    QCOMPARE(c.nativeTensors, native);
    QCOMPARE(c.quantizedTensors, plan.defaultScheme.isQuantized() ? 12 : 0);
    int errorCount = 0, warningCount = 0;
    for (const auto& f : c.findings) {
        QVERIFY(!f.message.empty() && f.message.find('\n') == std::string::npos);
        errorCount += f.severity == Severity::Error;
        warningCount += f.severity == Severity::Warning;
    }
    QCOMPARE(errorCount, c.errors);
    QCOMPARE(warningCount, c.warnings);
    if (!rule.isEmpty()) {
        const auto* f = findRule(c, rule.toStdString(), tensor.toStdString());
        QVERIFY2(f, qPrintable(rule + " on " + tensor));
        QCOMPARE(int(f->severity), severity);
        if (!tensor.isEmpty()) QVERIFY(f->message.find(tensor.toStdString()) != std::string::npos);
    } else {
        QCOMPARE(c.warnings + c.errors, 0);
    }
    QVERIFY(!c.summary.empty());
}

void TestTensorRtCheck::wrongConvTransposeAxis() {
    // A model that put decoder.2/4/6's scales on axis 0: TensorRT expects axis 1 for
    // ConvTranspose2d, and the check says so per tensor.
    QuantPlan plan;
    plan.defaultScheme = QuantScheme::integer(8);
    std::vector<ModelTensor> tensors = tinyVaeTensors(3, 16);
    for (auto& t : tensors)
        if (t.layer == LayerKind::ConvTranspose && t.quantizedByDefault) t.axis = 0;
    const TensorRtCheck c = checkTensorRt(planTensors(tensors, plan), *findDeviceProfile("orin-nano-8gb"));
    for (const char* t : {"decoder.2.weight", "decoder.4.weight", "decoder.6.weight"}) {
        const auto* f = findRule(c, "channel-axis", t);
        QVERIFY2(f, t);
        QCOMPARE(f->severity, Severity::Error);
        QVERIFY(f->message.find("axis 1") != std::string::npos);
    }
    QCOMPARE(c.errors, 3);
    QCOMPARE(c.nativeTensors, 9);
    // The axes TinyVAE gives: no finding.
    QCOMPARE(checkTensorRt(planTensors(tinyVaeTensors(3, 16), plan), *findDeviceProfile("orin-nano-8gb")).errors, 0);
}

void TestTensorRtCheck::linearWeightStoredInOut() {
    // A user's ONNX MatMul / Gemm(transB = 0) weight [in, out]: its output channels are axis 1,
    // which INT8 Q/DQ takes; INT4's weight-only MatMul form starts from [out, in].
    ModelTensor w;
    w.name = "fc.w";
    w.tensor = at::rand({64, 16});
    w.layer = LayerKind::Linear;
    w.axis = 1;
    w.quantizedByDefault = true;
    QuantPlan plan;
    plan.defaultScheme = QuantScheme::integer(8);
    const TensorRtCheck i8 = checkTensorRt(planTensors({w}, plan), *findDeviceProfile("orin-nano-8gb"));
    QVERIFY(!findRule(i8, "channel-axis", "fc.w"));
    QCOMPARE(i8.errors, 0);
    QCOMPARE(i8.nativeTensors, 1);
    plan.defaultScheme = *QuantScheme::parse("int4-g64");
    const TensorRtCheck i4 = checkTensorRt(planTensors({w}, plan), *findDeviceProfile("orin-nano-8gb"));
    QVERIFY(findRule(i4, "sub-8-bit", "fc.w"));
    QCOMPARE(i4.nativeTensors, 0);
}

void TestTensorRtCheck::planTensorsMatchesQuantizer() {
    // The cheap plan says exactly what quantizeModelTensors will do, map and policy included.
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse("int3-g32");
    plan.precisionMap = *PrecisionMap::fromJson(R"([{"pattern": "decoder.*", "scheme": "int8"},
                                                   {"pattern": "fc_*", "scheme": "nf4"},
                                                   {"pattern": "*.bias", "scheme": "int4"}])");
    const TinyVae model = TinyVae::randomInit({1, 8}, 3);
    const auto q = quantizeModelTensors(model.tensors(), plan);
    QVERIFY(q.ok());
    const auto planned = planTensors(model.tensors(), plan);
    QCOMPARE(planned.size(), q->size.tensors.size());
    for (const auto& t : planned) {
        const auto* e = q->size.find(t.name);
        QVERIFY(e);
        QCOMPARE(QString::fromStdString(t.scheme.toString()), QString::fromStdString(e->scheme));
        if (const QuantizedTensor* qt = q->find(t.name); qt && qt->scheme.isQuantized()) QCOMPARE(t.axis, qt->axis);
        QCOMPARE(t.params, e->params);
    }
}

void TestTensorRtCheck::layerKinds() {
    const auto planned = planTensors(tinyVaeTensors(3, 16), QuantPlan{});
    std::map<std::string, QString> kinds;
    for (const auto& t : planned) kinds[t.name] = QString::fromStdString(plannedLayerName(t));
    QCOMPARE(kinds["encoder.0.depthwise.weight"], QString("Conv2d"));
    QCOMPARE(kinds["fc_mu.weight"], QString("Linear"));
    QCOMPARE(kinds["decoder.4.weight"], QString("ConvTranspose2d"));
    QCOMPARE(kinds["decoder.4.bias"], QString("vector"));
    QCOMPARE(kinds["encoder.1.norm.weight"], QString("vector"));
    for (const auto& t : planned)
        if (t.layer == LayerKind::ConvTranspose && t.shape.size() == 4) QCOMPARE(t.axis, int64_t(1));
}

void TestTensorRtCheck::plannedBytesEqualTheQuantizers_data() {
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<bool>("biases");
    for (const char* s : {"fp32", "fp16", "bf16", "int8", "int4-g64", "int3-asym", "int2-g32-asym", "int5-tensor", "nf4", "ternary",
                          "ternary-2bit", "int4-g128-scale=fp32"})
        QTest::newRow(s) << QString(s) << false;
    QTest::newRow("int6, biases too") << "int6" << true;
}

void TestTensorRtCheck::plannedBytesEqualTheQuantizers() {
    // Exact bytes without quantizing, so the dialog's fit check needs no quantization pass.
    QFETCH(QString, scheme);
    QFETCH(bool, biases);
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
    plan.quantizeBiases = biases;
    plan.precisionMap = *PrecisionMap::fromJson(R"([{"pattern": "fc_mu.weight", "scheme": "int8"}])");
    const TinyVae model = TinyVae::randomInit({3, 8}, 4);
    const auto q = quantizeModelTensors(model.tensors(), plan);
    QVERIFY(q.ok());
    const auto planned = planTensors(model.tensors(), plan);
    for (const auto& t : planned) QCOMPARE(plannedBytes(t), q->size.find(t.name)->bytes);
    QCOMPARE(plannedBytes(planned), q->size.bytes);
}

void TestTensorRtCheck::deploymentCheckInOneCall() {
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse("int4-asym");
    const DeploymentCheck c = checkDeployment(TinyVae::randomInit({1, 16}, 1), plan, *findDeviceProfile("jetson-nano-4gb"), ModelPrecision::Fp32, 4);
    QCOMPARE(c.bytes, plannedBytes(c.tensors));
    QCOMPARE(c.fit.packedWeightBytes, c.bytes);
    QCOMPARE(c.fit.batchSize, int64_t(4));
    QVERIFY(c.tensorRt.errors == 12);
    QCOMPARE(c.warnings.size(), c.fit.warnings.size() + size_t(c.tensorRt.errors + c.tensorRt.warnings) + groupedOnnxFindings(c.onnx).size());
}

void TestTensorRtCheck::groupedFindingsFoldTensors() {
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse("int4-g64");
    const TensorRtCheck c = checkTensorRt(planTensors(tinyVaeTensors(1, 16), plan), *findDeviceProfile("orin-nano-8gb"));
    const auto lines = groupedFindings(c);
    // Six Conv2d weights and three ConvTranspose2d weights: two lines, every warning counted.
    QCOMPARE(lines.size(), size_t(2));
    QVERIFY(QString::fromStdString(lines[0]).startsWith("warning: 4-bit weights are not native for Conv2d"));
    QVERIFY(QString::fromStdString(lines[0]).contains("(6 tensors: encoder.0.depthwise.weight, "));
    QVERIFY(QString::fromStdString(lines[1]).contains("(3 tensors: decoder.2.weight, decoder.4.weight, decoder.6.weight)"));
    QVERIFY(groupedFindings(c, true).size() > lines.size());
}

QTEST_GUILESS_MAIN(TestTensorRtCheck)
#include "tst_tensorrtcheck.moc"
