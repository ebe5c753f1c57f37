// SPDX-License-Identifier: Apache-2.0
// ONNX autoencoders made by real PyTorch's torch.onnx.export (tests/fixtures/onnx_make_models.py)
// opened as models: what they say about themselves, their MSE (OpenCV DNN) against ONNX Runtime
// on the same fake-quantized initializers (quantized by numpy in the fixture, not by us), sizes
// against a hand count, and the one-line refusals (an op OpenCV cannot run, external data, a
// newer opset, a pair without its partner).

#include "testsupport.h"

#include "model/modelloader.h"
#include "model/onnxmodel.h"
#include "model/opencvonnxmodel.h"
#include "quant/modelquantizer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace pareto;

namespace {

/// What the same MSE may differ by between OpenCV DNN and ONNX Runtime (the 0.5 %).
constexpr double kMseRelTolerance = 0.005;

QString fixtures() { return test::onnxModels(); }
QString fixture(const QString& name) { return QDir(fixtures()).filePath(name); }

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int64_t> ints(const QJsonArray& a) {
    std::vector<int64_t> out;
    for (const auto& v : a) out.push_back(v.toInteger());
    return out;
}

at::Tensor readImages(const QString& path, int64_t n, const std::vector<int64_t>& shape) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    at::Tensor x = at::empty({n, shape[0], shape[1], shape[2]}, at::kFloat);
    in.read(static_cast<char*>(x.data_ptr()), static_cast<std::streamsize>(x.nbytes()));
    return in ? x : at::Tensor();
}

double meanMse(const Model& model, const at::Tensor& x) {
    double total = 0;
    for (int64_t s = 0; s < x.size(0); s += 50) {
        const at::Tensor b = x.narrow(0, s, std::min<int64_t>(50, x.size(0) - s));
        const at::Tensor y = model.reconstruct(b).to(at::kDouble);
        total += (y - b.to(at::kDouble)).pow(2).mean({1, 2, 3}).sum().item<double>();
    }
    return total / static_cast<double>(x.size(0));
}

double relDiff(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-12}); }

}  // namespace

class TstOnnxModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        at::set_num_threads(2);
        QVERIFY2(!fixtures().isEmpty(), "PARETO_ONNX_MODELS is not set");
        QVERIFY2(QFile::exists(fixture("ae28.onnx")), "fixture_onnx_models has not run");
    }

    void opens_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("name");
        QTest::newRow("one file x -> x_hat, opset 13, dynamic batch") << "ae28.onnx" << "ae28";
        QTest::newRow("encoder/decoder pair opened through the encoder") << "vae28.encoder.onnx" << "vae28";
        QTest::newRow("encoder/decoder pair opened through the decoder") << "vae28.decoder.onnx" << "vae28";
        QTest::newRow("forward-only RGB, MatMul + Resize, opset 17") << "rgb32.onnx" << "rgb32";
        QTest::newRow("pair with a spatial latent [8, 16, 16], RGB 64x64, x -> mu only") << "spatial64.decoder.onnx" << "spatial64";
        QTest::newRow("MLP pair, weights stored [in, out] (Gemm without transB, MatMul)") << "mlp28.encoder.onnx" << "mlp28";
        QTest::newRow("pair whose encoder chunks (mu, logvar) from its shape at run time, opset 11") << "chunk28.encoder.onnx" << "chunk28";
    }
    void opens() {
        QFETCH(QString, file);
        QFETCH(QString, name);
        const QJsonObject meta = readJson(fixture(name + ".json"));
        auto loaded = loadModel(fixture(file).toStdString());
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->format, CheckpointFormat::Onnx);
        const ModelInfo info = loaded->model->info();
        QCOMPARE(QString::fromStdString(info.arch), QStringLiteral("onnx"));
        QCOMPARE(QString(modelInterfaceName(info.interface)), meta["interface"].toString());
        QCOMPARE(info.inputShape, ints(meta["input_shape"].toArray()));
        QCOMPARE(info.params, meta["params"].toInteger());
        QCOMPARE(info.bufferValues, int64_t(0));
        QCOMPARE(QString(latentKindName(info.latent.kind)), meta["latent"].toObject()["kind"].toString());
        QCOMPARE(info.latent.shape, ints(meta["latent"].toObject()["shape"].toArray()));
        const QJsonObject quantized = meta["quantized"].toObject();
        int found = 0;
        for (const auto& t : loaded->model->tensors()) {
            const QString n = QString::fromStdString(t.name);
            QVERIFY2(t.quantizedByDefault == quantized.contains(n), qPrintable(n));
            if (!t.quantizedByDefault) continue;
            QCOMPARE(t.axis, quantized[n].toInteger());
            ++found;
        }
        QCOMPARE(found, quantized.size());
        bool opsetNoted = false;
        for (const auto& note : loaded->notes) opsetNoted = opsetNoted || note.find("opset " + std::to_string(meta["opset"].toInt())) != std::string::npos;
        QVERIFY(opsetNoted);
        const LatentReductionSupport latent = loaded->model->latentReductions();
        QCOMPARE(latent.projection, info.interface == ModelInterface::Vae);
        if (!latent.projection) QVERIFY(latent.reason.find("encoder.onnx") != std::string::npos);

        // The graph summary inspect shows: opset, ops, quantizable layers.
        QVERIFY(loaded->onnx);
        const OnnxGraphSummary& summary = *loaded->onnx;
        QCOMPARE(int(summary.parts.size()), meta["files"].toArray().size());
        for (const auto& part : summary.parts) {
            QCOMPARE(part.opset, meta["opset"].toInt());
            QVERIFY(part.nodes > 0);
            QVERIFY(!part.ops.empty());
        }
        QCOMPARE(summary.quantizableLayers, quantized.size());
    }

    // size.bytes counted by hand for rgb32 (3x32x32: Conv 3->16 k3, Conv 16->32 k3 s2, Linear
    // 32->8 and 8->32 over channels as MatMul with W^T [in, out], Conv 32->3 k3; Resize's scales
    // [1, 1, 2, 2] are a float Constant): FP32 = 4 x (432+16 + 4608+32 + 256+8 + 256+32 + 864+3
    // + 4) = 26,044. INT8 per channel, FP16 scales: 432+2x16 + 4608+2x32 + 256+2x8 (axis 1: 8
    // outputs) + 256+2x32 + 864+2x3 = 6,598, plus 4 x (16+32+8+32+3 biases + 4 scales) = 380:
    // 6,978. INT4 g64: each output channel's row cut into groups of 64 (conv 27 -> 1, 144 -> 3
    // groups, MatMul rows 32 / 8 -> 1, conv 288 -> 5): 216+2x16 + 2304+2x96 + 128+2x8 + 128+2x32
    // + 432+2x15 = 3,542, + 380 = 3,922.
    void sizeCountedByHand_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<qint64>("bytes");
        QTest::newRow("rgb32 fp32") << "fp32" << qint64(26044);
        QTest::newRow("rgb32 int8 per channel") << "int8" << qint64(6978);
        QTest::newRow("rgb32 int4 group 64") << "int4-g64" << qint64(3922);
    }
    void sizeCountedByHand() {
        QFETCH(QString, scheme);
        QFETCH(qint64, bytes);
        auto loaded = loadModel(fixture("rgb32.onnx").toStdString());
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->model->info().params, int64_t(6511));
        QuantPlan plan;
        plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
        auto q = quantizeModelTensors(loaded->model->tensors(), plan);
        QVERIFY2(q, q ? "" : q.error().message.c_str());
        QCOMPARE(q->size.bytes, int64_t(bytes));
        QCOMPARE(q->size.bufferValues, int64_t(0));
    }

    void mseAndSizeMatchOnnxRuntime_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("scheme");
        for (const char* model : {"ae28", "vae28", "rgb32", "spatial64", "mlp28", "chunk28"})
            for (const char* scheme : {"fp32", "int8", "int4-g64"})
                QTest::newRow(qPrintable(QString("%1, %2").arg(model, scheme))) << QString(model) << QString(scheme);
    }
    void mseAndSizeMatchOnnxRuntime() {
        QFETCH(QString, name);
        QFETCH(QString, scheme);
        const QJsonObject meta = readJson(fixture(name + ".json"));
        const QJsonObject ref = readJson(fixture(name + ".ref.json"));
        auto loaded = loadModel(fixture(meta["files"].toArray()[0].toString()).toStdString());
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const std::vector<int64_t> shape = ints(meta["input_shape"].toArray());
        const int64_t n = ref["n"].toInteger();
        const at::Tensor x = readImages(fixture(name + ".images.f32"), n, shape);
        QVERIFY(x.defined());

        QuantPlan plan;
        auto parsed = QuantScheme::parse(scheme.toStdString());
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        plan.defaultScheme = *parsed;
        auto q = quantizeModelTensors(loaded->model->tensors(), plan);
        QVERIFY2(q, q ? "" : q.error().message.c_str());
        QCOMPARE(q->size.bytes, ref[scheme].toObject()["bytes"].toInteger());
        auto variant = loaded->model->withWeights(q->dequantized);
        QVERIFY2(variant, variant ? "" : variant.error().message.c_str());
        const double ours = meanMse(**variant, x);

        QStringList args{qEnvironmentVariable("PARETO_ORT_MSE"), fixture(name + ".images.f32"), QString::number(n)};
        for (int64_t d : shape) args << QString::number(d);
        args << (meta["static_batch"].toBool() ? "1" : "50");
        for (const auto& f : ref[scheme].toObject()["files"].toArray()) args << fixture(f.toString());
        const test::ProcessResult run = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const QJsonObject ort = QJsonDocument::fromJson(run.out.toUtf8()).object();
        const double theirs = ort["mse"].toDouble();
        qInfo("%s %s: MSE %.6g (OpenCV DNN) vs %.6g (ONNX Runtime), rel diff %.2e, %lld bytes", qPrintable(name), qPrintable(scheme), ours,
              theirs, relDiff(ours, theirs), static_cast<long long>(q->size.bytes));
        QVERIFY2(relDiff(ours, theirs) <= kMseRelTolerance, qPrintable(QString("MSE %1 vs ONNX Runtime %2").arg(ours).arg(theirs)));
    }

    void withWeightsLeavesTheOriginal() {
        auto loaded = loadModel(fixture("vae28.encoder.onnx").toStdString());
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const at::Tensor x = at::rand({3, 1, 28, 28});
        const at::Tensor before = loaded->model->reconstruct(x);
        StateDict doubled;
        for (const auto& t : loaded->model->tensors()) doubled.set(t.name, t.tensor * 2);
        auto other = loaded->model->withWeights(doubled);
        QVERIFY2(other, other ? "" : other.error().message.c_str());
        QVERIFY(!at::allclose((*other)->reconstruct(x), before));
        QVERIFY(at::equal(loaded->model->reconstruct(x), before));
        StateDict wrong = doubled;
        wrong.set("decoder.fc.weight", at::zeros({3, 3}));
        auto refused = loaded->model->withWeights(wrong);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find("decoder.fc.weight") != std::string::npos);
    }

    void refusals_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("an op OpenCV cannot run names node, op and opset")
            << "unsupported.onnx" << QStringList{"/unsupported.onnx: node '", "GridSample", "opset 16", "OpenCV DNN"};
        QTest::newRow("tensors in an external data file") << "external.onnx" << QStringList{"external.onnx:", "external data file", "external.onnx.data"};
        QTest::newRow("a newer opset is named") << "opset18.onnx" << QStringList{"opset18.onnx:", "opset 18", "11-17"};
        QTest::newRow("not an ONNX model") << "ae28.images.f32.onnx" << QStringList{"not an ONNX model"};
    }
    void refusals() {
        QFETCH(QString, file);
        QFETCH(QStringList, mentions);
        QTemporaryDir dir;
        QString path = fixture(file);
        if (file == "ae28.images.f32.onnx") {
            path = dir.filePath(file);
            QVERIFY(QFile::copy(fixture("ae28.images.f32"), path));
        }
        auto loaded = loadModel(path.toStdString());
        QVERIFY(!loaded);
        const QString message = QString::fromStdString(loaded.error().message);
        qInfo("%s", qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
        for (const auto& m : mentions) QVERIFY2(message.contains(m), qPrintable(message + " lacks " + m));
    }

    // tests/data/onnx/wide-pad.onnx (found by fuzz_onnx): x [N, 1, 4, 4], a Pad that widens it
    // to 6,815,748 columns, AveragePool and Resize: about 300 MiB of tensors per image.
    void activationBudget() {
        const uint64_t saved = OpenCvOnnxModel::activationBudget();
        QTemporaryDir dir;
        const QString path = dir.filePath("wide-pad.onnx");
        QVERIFY(QFile::copy(test::testData("onnx/wide-pad.onnx"), path));
        // Under a budget smaller than one image, opening (which runs a probe) is refused, in one
        // line naming the file, the largest layer and the budget, before anything is allocated.
        OpenCvOnnxModel::setActivationBudget(64ull << 20);
        auto refused = loadModel(path.toStdString());
        OpenCvOnnxModel::setActivationBudget(saved);
        QVERIFY(!refused);
        const QString message = QString::fromStdString(refused.error().message);
        qInfo("%s", qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
        for (const char* m : {"wide-pad.onnx", "intermediate tensors need", "(Padding)", "64 MiB"})
            QVERIFY2(message.contains(QLatin1String(m)), qPrintable(message + " lacks " + m));

        // (Its output is not the input's shape, so under the default budget it is refused for that.)
        auto wrongShape = loadModel(path.toStdString());
        QVERIFY(!wrongShape);
        QVERIFY2(wrongShape.error().message.find("returns its input's shape") != std::string::npos, wrongShape.error().message.c_str());
    }

    // tests/data/onnx/batch-pad.onnx (found by fuzz_onnx): a Pad on the batch axis makes one
    // image into 262,145 outputs of the right shape; refused for the batch, not run on.
    void refusesAnotherOutputBatch() {
        QTemporaryDir dir;
        const QString path = dir.filePath("batch-pad.onnx");
        QVERIFY(QFile::copy(test::testData("onnx/batch-pad.onnx"), path));
        auto refused = loadModel(path.toStdString());
        QVERIFY(!refused);
        const QString message = QString::fromStdString(refused.error().message);
        QVERIFY2(message.startsWith(path + ": output 'y' is 262145x1x4x4 for a batch of 1 input; a model returns one output per input"),
                 qPrintable(message));
    }

    // tests/data/onnx/conv-*.onnx: one Conv whose window attributes OpenCV 4.6 would divide by
    // or index with unchecked (group 0 was fuzz_onnx's SIGFPE inside readNetFromONNX), and a
    // tensor holding fewer bytes than its dims say (a heap over-read in its importer).
    void refusesWhatOpenCvWouldMisread_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("group 0") << "conv-group-zero.onnx" << "node '/c/Conv' (Conv): group is 0; it must be at least 1";
        QTest::newRow("one stride for two dimensions")
            << "conv-short-strides.onnx" << "node '/c/Conv' (Conv): strides has 1 values for 2 spatial dimensions (expected 2)";
        QTest::newRow("stride 0") << "conv-zero-stride.onnx" << "node '/c/Conv' (Conv): strides holds 0; each must be at least 1";
        // fuzz_onnx: OpenCV copied 57 bytes out of the 36 an INT8 initializer holds.
        QTest::newRow("initializer shorter than its dims") << "int8-weight-short.onnx" << "initializer 'c.weight': dims say 57 bytes, it holds 36";
        // fuzz_onnx: 556 dims whose product overflowed int64 before anything was sized.
        QTest::newRow("dims whose product overflows")
            << "initializer-dims-overflow.onnx" << "tensor 'f.weight': its shape [16, 16, 36, 52, 7883, 10952, … (556 dimensions)] holds more values";
    }
    void refusesWhatOpenCvWouldMisread() {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(file);
        QVERIFY(QFile::copy(test::testData("onnx/" + file), path));
        auto refused = loadModel(path.toStdString());
        QVERIFY(!refused);
        const QString message = QString::fromStdString(refused.error().message);
        QVERIFY2(message.startsWith(path + ": ") && message.contains(reason) && !message.contains('\n'), qPrintable(message));
    }

    // A budget that holds a few images but not the batch: it runs in chunks, with the same numbers.
    void activationBudgetChunks() {
        const uint64_t saved = OpenCvOnnxModel::activationBudget();
        auto loaded = loadModel(fixture("ae28.onnx").toStdString());
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const at::Tensor x = at::rand({64, 1, 28, 28}, at::TensorOptions().dtype(at::kFloat));
        const at::Tensor whole = loaded->model->reconstruct(x);
        OpenCvOnnxModel::setActivationBudget(1ull << 20);
        at::Tensor chunked;
        QString error;
        try {
            chunked = loaded->model->reconstruct(x);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        OpenCvOnnxModel::setActivationBudget(saved);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(chunked.sizes(), whole.sizes());
        QVERIFY(at::allclose(chunked, whole, 0.0, 1e-6));
    }

    void pairNeedsBothFiles() {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(fixture("vae28.encoder.onnx"), dir.filePath("vae28.encoder.onnx")));
        auto loaded = loadModel(dir.filePath("vae28.encoder.onnx").toStdString());
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().message.find("vae28.decoder.onnx is missing") != std::string::npos, loaded.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TstOnnxModel)
#include "tst_onnxmodel.moc"
