// SPDX-License-Identifier: Apache-2.0
// How each tensor is stored in ONNX for a TensorRT target: INT8 per-channel Q/DQ on the
// output-channel axis, INT4 only for Linear on TensorRT 10, everything else FP16 + Cast with a
// reason, never silently.

#include "onnx/onnxtensorstorage.h"

#include <QtTest>

using namespace pareto;

Q_DECLARE_METATYPE(pareto::LayerKind)

namespace {

OnnxTarget orin(const std::string& jetpack) {
    OnnxTarget t;
    t.name = "Jetson Orin Nano 8 GB, JetPack " + jetpack;
    t.jetpack = jetpack;
    const bool six = jetpack == "6";
    t.tensorRt = six ? "10.3" : "8.5";
    t.tensorRtMajor = six ? 10 : 8;
    t.int8 = true;
    t.int4 = six;
    return t;
}

OnnxTarget nano() {
    OnnxTarget t;
    t.name = "Jetson Nano 4 GB, JetPack 4.6";
    t.jetpack = "4.6";
    t.tensorRt = "8.2";
    t.tensorRtMajor = 8;
    t.int8 = false;
    t.int4 = false;
    return t;
}

}  // namespace

class TstOnnxTensorStorage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decisions_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<pareto::LayerKind>("layer");
        QTest::addColumn<QString>("jetpack");
        QTest::addColumn<QString>("storage");
        QTest::addColumn<int>("dqAxis");
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<QString>("trt");
        QTest::addColumn<QString>("reasonHas");  // empty: no finding
        // Conv2d weight [16, 1, 3, 3], ConvTranspose2d [64, 32, 3, 3], Linear [16, 4096]
        QTest::newRow("int8 channel, Conv, JetPack 6") << "int8" << LayerKind::Conv << "6" << "int8+dq" << 0 << 0 << "int8" << "";
        QTest::newRow("int8 channel, ConvTranspose: axis 1") << "int8" << LayerKind::ConvTranspose << "6" << "int8+dq" << 1 << 0 << "int8" << "";
        QTest::newRow("int8 channel, Linear, JetPack 5.1") << "int8" << LayerKind::Linear << "5.1" << "int8+dq" << 0 << 0 << "int8" << "";
        QTest::newRow("int8 per tensor, Conv") << "int8-tensor" << LayerKind::Conv << "6" << "int8+dq" << -1 << 0 << "int8" << "";
        QTest::newRow("int8 on the Nano: no INT8") << "int8" << LayerKind::Conv << "4.6" << "fp16+cast" << -1 << 0 << "fp16" << "has no INT8";
        QTest::newRow("int4 g64, Linear, JetPack 6: blocked") << "int4-g64" << LayerKind::Linear << "6" << "int4+dq" << 0 << 64 << "int4" << "";
        QTest::newRow("int4 channel, Linear, JetPack 6") << "int4" << LayerKind::Linear << "6" << "int4+dq" << 1 << 0 << "int4" << "";
        QTest::newRow("int4 g64, Linear, JetPack 5.1: TensorRT 8") << "int4-g64" << LayerKind::Linear << "5.1" << "fp16+cast" << -1 << 0 << "fp16"
                                                                << "needs TensorRT 10";
        QTest::newRow("int4 g64, Conv: not a GEMM") << "int4-g64" << LayerKind::Conv << "6" << "fp16+cast" << -1 << 0 << "fp16" << "only as weight-only Gemm/MatMul";
        QTest::newRow("int8 asymmetric") << "int8-asym" << LayerKind::Conv << "6" << "fp16+cast" << -1 << 0 << "fp16" << "zero-point 0";
        QTest::newRow("int8 group-wise") << "int8-g64" << LayerKind::Linear << "6" << "fp16+cast" << -1 << 0 << "fp16" << "group-wise INT8";
        QTest::newRow("int3") << "int3" << LayerKind::Conv << "6" << "fp16+cast" << -1 << 0 << "fp16" << "INT3 is not a TensorRT type";
        QTest::newRow("nf4") << "nf4" << LayerKind::Linear << "6" << "fp16+cast" << -1 << 0 << "fp16" << "NF4";
        QTest::newRow("ternary") << "ternary" << LayerKind::Conv << "6" << "fp16+cast" << -1 << 0 << "fp16" << "ternary";
        QTest::newRow("fp16") << "fp16" << LayerKind::Conv << "6" << "fp16+cast" << -1 << 0 << "fp16" << "";
        QTest::newRow("fp32") << "fp32" << LayerKind::Conv << "6" << "fp32" << -1 << 0 << "fp32" << "";
    }
    void decisions() {
        QFETCH(QString, scheme);
        QFETCH(pareto::LayerKind, layer);
        QFETCH(QString, jetpack);
        QFETCH(QString, storage);
        QFETCH(int, dqAxis);
        QFETCH(int, blockSize);
        QFETCH(QString, trt);
        QFETCH(QString, reasonHas);
        const std::vector<int64_t> shape = layer == LayerKind::Linear ? std::vector<int64_t>{16, 4096}
                                           : layer == LayerKind::ConvTranspose ? std::vector<int64_t>{64, 32, 3, 3}
                                                                               : std::vector<int64_t>{16, 1, 3, 3};
        const int64_t axis = layer == LayerKind::ConvTranspose ? 1 : 0;
        const OnnxTarget target = jetpack == "4.6" ? nano() : orin(jetpack.toStdString());
        const auto s = QuantScheme::parse(scheme.toStdString());
        QVERIFY(s);
        const OnnxTensorPlan p = planOnnxTensor("w", shape, layer, *s, axis, target, ModelPrecision::Fp32);
        QCOMPARE(QString(onnxStorageName(p.storage)), storage);
        if (p.storage == OnnxStorage::Int8Dq || p.storage == OnnxStorage::Int4Dq) {
            QCOMPARE(p.dqAxis, int64_t(dqAxis));
            QCOMPARE(p.blockSize, int64_t(blockSize));
        }
        QCOMPARE(QString::fromStdString(p.tensorRtPrecision), trt);
        if (reasonHas.isEmpty()) QVERIFY2(p.reason.empty(), p.reason.c_str());
        else QVERIFY2(QString::fromStdString(p.reason).contains(reasonHas), p.reason.c_str());
        QCOMPARE(p.minOpset, p.storage == OnnxStorage::Int4Dq ? 21 : 13);
        QCOMPARE(p.transposed, p.storage == OnnxStorage::Int4Dq);
    }

    // A user's ONNX graph holds MatMul / Gemm(transB = 0) weights as [in, out]: their output
    // channels are axis 1, which INT8 Q/DQ takes as is; INT4's MatMul form starts from [out, in].
    void matMulWeightsStoredInOut() {
        const OnnxTarget t = orin("6");
        const OnnxTensorPlan i8 = planOnnxTensor("w", {64, 16}, LayerKind::Linear, *QuantScheme::parse("int8"), 1, t, ModelPrecision::Fp32);
        QCOMPARE(QString(onnxStorageName(i8.storage)), QString("int8+dq"));
        QCOMPARE(i8.dqAxis, int64_t(1));
        QVERIFY(!i8.transposed);
        QCOMPARE(i8.engineBytes, int64_t(64 * 16 + 4 * 16));
        const OnnxTensorPlan i4 = planOnnxTensor("w", {64, 16}, LayerKind::Linear, *QuantScheme::parse("int4-g64"), 1, t, ModelPrecision::Fp32);
        QCOMPARE(QString(onnxStorageName(i4.storage)), QString("fp16+cast"));
        QVERIFY2(QString::fromStdString(i4.reason).contains("[in, out]"), i4.reason.c_str());
        // Conv weights still need their output channels on axis 0.
        const OnnxTensorPlan conv = planOnnxTensor("w", {16, 1, 3, 3}, LayerKind::Conv, *QuantScheme::parse("int8"), 1, t, ModelPrecision::Fp32);
        QCOMPARE(QString(onnxStorageName(conv.storage)), QString("fp16+cast"));
    }

    // Engine bytes are what TensorRT holds: 1 byte per INT8 value + FP32 scales, half a byte
    // per INT4 value, 2 per FP16, 4 per FP32.
    void engineBytes() {
        const OnnxTarget t = orin("6");
        QCOMPARE(planOnnxTensor("a", {16, 4096}, LayerKind::Linear, *QuantScheme::parse("int8"), 0, t, ModelPrecision::Fp32).engineBytes,
                 int64_t(16 * 4096 + 4 * 16));
        QCOMPARE(planOnnxTensor("a", {16, 4096}, LayerKind::Linear, *QuantScheme::parse("int4-g64"), 0, t, ModelPrecision::Fp32).engineBytes,
                 int64_t(16 * 4096 / 2 + 4 * 16 * 64));
        QCOMPARE(planOnnxTensor("a", {16}, LayerKind::Linear, QuantScheme::fp32(), -1, t, ModelPrecision::Fp32).engineBytes, int64_t(64));
        QCOMPARE(planOnnxTensor("a", {16}, LayerKind::Linear, QuantScheme::fp32(), -1, t, ModelPrecision::Fp16).engineBytes, int64_t(32));
    }
};

QTEST_GUILESS_MAIN(TstOnnxTensorStorage)
#include "tst_onnxtensorstorage.moc"
