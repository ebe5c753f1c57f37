// SPDX-License-Identifier: Apache-2.0
// VisionPuzzleVAE: SAGE's names and shapes from a checkpoint trained by real PyTorch
// (tests/fixtures/model_visionpuzzlevae.py), the codes PyTorch chooses, ties to the lowest
// index, the PCA fold of the codebook (exact for k >= its rank), training through the
// straight-through estimator with BatchNorm statistics, and model.pt computing the same.
#include "model/visionpuzzlevae.h"

#include "io/checkpoint.h"
#include "latent/latentstatistics.h"
#include "latent/pcaprojection.h"
#include "model/modelloader.h"
#include "testsupport.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/import.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

using namespace pareto;

namespace {

template <class T>
at::Tensor readRaw(const QString& path, const std::vector<int64_t>& shape, at::ScalarType type) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    at::Tensor t = at::empty(shape, type);
    if (static_cast<size_t>(bytes.size()) != t.numel() * sizeof(T)) return {};
    std::memcpy(t.data_ptr<T>(), bytes.constData(), static_cast<size_t>(bytes.size()));
    return t;
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Records a graph as the ONNX writer would get it: ops, weights asked for, Resize scales.
class RecordingSink final : public OnnxGraphSink {
public:
    std::string input(const std::string& name, const std::vector<int64_t>&, int64_t) override { return name; }
    void output(const std::string&, const std::string& name, const std::vector<int64_t>& dims, int64_t) override {
        outputName = name;
        outputDims = dims;
    }
    std::string weight(const std::string& name) override {
        weights.push_back(name);
        return name;
    }
    std::string linear(const std::string& x, const std::string&, const std::string&) override { return x; }
    std::string constantInt64(const std::string& name, const std::vector<int64_t>&) override { return name; }
    std::string constantFloat(const std::string& name, const std::vector<int64_t>&, const std::vector<float>& values) override {
        if (name.find("scales") != std::string::npos) scales.push_back(values);
        return name;
    }
    std::string graph(const std::string&, const std::string& input, const std::vector<std::pair<std::string, std::string>>&,
                      const std::string&) override {
        ops.push_back("graph");
        return input;
    }
    std::string node(const std::string& op, const std::vector<std::string>&, const std::vector<OnnxAttribute>&, const std::string& hint) override {
        ops.push_back(op);
        return hint;
    }
    std::vector<std::string> ops, weights;
    std::vector<std::vector<float>> scales;
    std::string outputName;
    std::vector<int64_t> outputDims;
};

double maxAbs(const at::Tensor& a, const at::Tensor& b) { return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>(); }

}  // namespace

class TestVisionPuzzleVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void parameterCount_data();
    void parameterCount();
    void opensSageCheckpoint();
    void codesMatchPyTorch();
    void configErrors_data();
    void configErrors();
    void tiesGoToTheLowestIndex();
    void pcaFoldOfTheCodebook_data();
    void pcaFoldOfTheCodebook();
    void trainingStepUsesStraightThroughAndBatchStatistics();
    void torchScriptComputesTheSame();
    void onnxPairWithTheNearestCodeStepBetween();

private:
    QString file(const QString& name) const { return QDir(m_dir).filePath(name); }
    std::shared_ptr<const VisionPuzzleVae> m_model;
    at::Tensor m_images;  // image 0 of the test split and two variations of it
    QString m_dir;
};

void TestVisionPuzzleVae::initTestCase() {
    m_dir = test::visionPuzzleVaeFixture();
    QVERIFY2(QFile::exists(file("vpvae.pt")), qPrintable(file("vpvae.pt") + " (run the fixture_visionpuzzlevae test)"));
    auto ckpt = loadCheckpoint(file("vpvae.pt").toStdString());
    QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());
    auto m = VisionPuzzleVae::fromStateDict(ckpt->weights);
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
    m_model = std::make_shared<VisionPuzzleVae>(std::move(*m));
    const at::Tensor x = readRaw<float>(file("vpvae.input.bin"), {1, 3, 224, 224}, at::kFloat);
    QVERIFY(x.defined());
    m_images = at::cat({x, x.flip({3}), x * 0.5 + 0.25});
}

void TestVisionPuzzleVae::parameterCount_data() {
    QTest::addColumn<int>("latent");
    QTest::addColumn<qint64>("expected");
    // 332,099 + 267 L with 10 codes (SAGE).
    QTest::newRow("L=64 (SAGE's default)") << 64 << qint64(349187);
    QTest::newRow("L=16") << 16 << qint64(336371);
    QTest::newRow("L=1") << 1 << qint64(332366);
}

void TestVisionPuzzleVae::parameterCount() {
    QFETCH(int, latent);
    QFETCH(qint64, expected);
    const VisionPuzzleVaeConfig c{latent, 10};
    QCOMPARE(c.parameterCount(), expected);
    QCOMPARE(c.bufferCount(), qint64(896));
    const VisionPuzzleVae m = VisionPuzzleVae::randomInit(c, 1);
    QCOMPARE(m.weights().parameterCount(), expected + 896);
    QCOMPARE(m.info().params, expected);
    QCOMPARE(m.info().fp32Bytes(), 4 * (expected + 896));
}

void TestVisionPuzzleVae::opensSageCheckpoint() {
    auto loaded = loadModel(file("vpvae.pt").toStdString());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
    QCOMPARE(loaded->nestedKey, std::string("model_state_dict"));
    const ModelInfo info = loaded->model->info();
    const QJsonObject want = readJson(file("vpvae.json"));
    QCOMPARE(info.arch, std::string("visionpuzzlevae"));
    QCOMPARE(info.inputShape, (std::vector<int64_t>{3, 224, 224}));
    QVERIFY(info.inputRange == (ValueRange{0.0, 1.0}));
    QVERIFY(info.outputRange == (ValueRange{-1.0, 1.0}));
    QVERIFY(info.latent.kind == LatentKind::Codebook);
    QCOMPARE(info.latent.shape, (std::vector<int64_t>{10, 64}));
    QCOMPARE(info.latentDim, int64_t(64));
    QCOMPARE(info.params, want["params"].toInteger());
    QCOMPARE(info.bufferValues, want["buffer_values"].toInteger());
    QJsonObject quantized;
    for (const ModelTensor& t : loaded->model->tensors()) {
        if (t.quantizedByDefault) quantized[QString::fromStdString(t.name)] = qint64(t.axis);
        QCOMPARE(t.buffer, t.name.find("running_") != std::string::npos);
        if (t.buffer) QVERIFY(t.layer == LayerKind::Norm);
    }
    QCOMPARE(quantized, want["quantized"].toObject());
}

void TestVisionPuzzleVae::codesMatchPyTorch() {
    at::NoGradGuard g;
    const at::Tensor want = readRaw<int64_t>(file("vpvae.codes.bin"), {1, 30, 30}, at::kLong);
    QVERIFY(want.defined());
    const at::Tensor codes = m_model->nearestCodes(m_model->encodeNative(m_images.slice(0, 0, 1)));
    QCOMPARE(codes.sizes().vec(), (std::vector<int64_t>{1, 30, 30}));
    // PyTorch's cdist computes distances by matrix products: a near-tie may round the other
    // way there. Every position but at most one out of 900 agrees.
    const int64_t differ = codes.ne(want).sum().item<int64_t>();
    qInfo("%lld of 900 codes differ from PyTorch's", static_cast<long long>(differ));
    QVERIFY2(differ <= 1, qPrintable(QString("%1 of 900 codes differ from PyTorch's").arg(differ)));
    // Deterministic: the same input gives the same codes and the same reconstruction.
    QVERIFY(m_model->nearestCodes(m_model->encodeNative(m_images.slice(0, 0, 1))).equal(codes));
    QVERIFY(m_model->reconstruct(m_images).equal(m_model->reconstruct(m_images)));
    // The reconstruction is decode(nearest codes) mapped from [-1, 1] to [0, 1].
    const at::Tensor viaCodes = (m_model->decodeCodes(codes) + 1) / 2;
    QCOMPARE(maxAbs(viaCodes, m_model->reconstruct(m_images.slice(0, 0, 1))), 0.0);
}

void TestVisionPuzzleVae::configErrors_data() {
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing decoder.decoder.9.weight") << "drop:decoder.decoder.9.weight" << "missing tensor 'decoder.decoder.9.weight'";
    QTest::newRow("missing BatchNorm statistics") << "drop:encoder.encoder.4.running_var" << "missing tensor 'encoder.encoder.4.running_var'";
    QTest::newRow("wrong-shape encoder.encoder.10") << "reshape:encoder.encoder.10.weight"
                                                   << "tensor 'encoder.encoder.10.weight' has shape [8, 128, 1, 1], expected [16, 128, 1, 1]";
    QTest::newRow("foreign tensor") << "add:classifier.weight" << "unexpected tensor 'classifier.weight'";
    QTest::newRow("no codebook") << "drop:vq.codebook.weight" << "missing tensor 'vq.codebook.weight'";
}

void TestVisionPuzzleVae::configErrors() {
    QFETCH(QString, mutation);
    QFETCH(QString, expected);
    const VisionPuzzleVae base = VisionPuzzleVae::randomInit({16, 10}, 3);
    StateDict sd;
    const std::string op = mutation.section(':', 0, 0).toStdString(), name = mutation.section(':', 1).toStdString();
    for (const auto& e : base.weights().entries()) {
        if (op == "drop" && e.name == name) continue;
        sd.set(e.name, op == "reshape" && e.name == name ? at::zeros({8, 128, 1, 1}) : e.tensor);
    }
    if (op == "add") sd.set(name, at::zeros({2, 2}));
    sd.set("encoder.encoder.1.num_batches_tracked", at::zeros({}, at::kLong));  // SAGE's files have them: not an error
    auto r = VisionPuzzleVae::fromStateDict(sd);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains(expected), r.error().message.c_str());
}

void TestVisionPuzzleVae::tiesGoToTheLowestIndex() {
    at::NoGradGuard g;
    // Codes 2, 5 and 7 are the same vector: a position nearest to it always takes code 2.
    StateDict sd;
    for (const auto& e : m_model->weights().entries()) sd.set(e.name, e.tensor.clone());
    at::Tensor cb = sd.get("vq.codebook.weight");
    cb[5].copy_(cb[2]);
    cb[7].copy_(cb[2]);
    auto tied = m_model->withWeights(sd);
    QVERIFY(tied.ok());
    const auto& model = static_cast<const VisionPuzzleVae&>(**tied);
    const at::Tensor z = cb[2].view({1, -1, 1, 1}).expand({1, 64, 30, 30}).contiguous();
    QVERIFY(model.nearestCodes(z).eq(2).all().item<bool>());
    const at::Tensor codes = model.nearestCodes(model.encodeNative(m_images));
    QVERIFY(!codes.eq(5).any().item<bool>());
    QVERIFY(!codes.eq(7).any().item<bool>());
}

void TestVisionPuzzleVae::pcaFoldOfTheCodebook_data() {
    QTest::addColumn<int>("extra");  // k = rank + extra
    QTest::newRow("k = rank") << 0;
    QTest::newRow("k = rank + 1") << 1;
    QTest::newRow("k = L") << -1;
}

void TestVisionPuzzleVae::pcaFoldOfTheCodebook() {
    QFETCH(int, extra);
    at::NoGradGuard g;
    auto stats = latentStatisticsFromSamples(m_model->weights().get("vq.codebook.weight"), "codebook");
    QVERIFY(stats.ok());
    QCOMPARE(stats->n, int64_t(10));
    // The codes' affine rank: the eigenvalues of their covariance above rounding.
    const double top = stats->eigenvalues[0].item<double>();
    int64_t rank = 0;
    for (int64_t j = 0; j < stats->latentDim; ++j) rank += stats->eigenvalues[j].item<double>() > 1e-9 * top ? 1 : 0;
    QCOMPARE(rank, readJson(file("vpvae.ref.json"))["codebook_rank"].toInteger());
    QVERIFY(rank <= 9);
    qInfo("codebook rank %lld (10 codes of width 64)", static_cast<long long>(rank));
    QCOMPARE(stats->explainedVariance(rank), 1.0);

    const int64_t k = extra < 0 ? 64 : rank + extra;
    auto p = pcaProjection(*stats, k);
    QVERIFY(p.ok());
    auto folded = m_model->foldLatent(p->mean, p->basis);
    QVERIFY2(folded.ok(), folded.ok() ? "" : folded.error().message.c_str());
    const auto& f = static_cast<const VisionPuzzleVae&>(**folded);
    QCOMPARE(f.info().latentDim, k);
    QCOMPARE(f.info().latent.shape, (std::vector<int64_t>{10, k}));
    QCOMPARE(f.info().params, qint64(332099 + 267 * k));
    // The same codes at every position, and the same reconstruction within 1e-5.
    const at::Tensor codes = m_model->nearestCodes(m_model->encodeNative(m_images));
    QVERIFY(f.nearestCodes(f.encodeNative(m_images)).equal(codes));
    const double d = maxAbs(f.reconstruct(m_images), m_model->reconstruct(m_images));
    QVERIFY2(d <= 1e-5, qPrintable(QString::number(d)));
    // A separate model: the original's tensors are untouched by the fold.
    QVERIFY(f.weights().get("encoder.encoder.0.weight").data_ptr() != m_model->weights().get("encoder.encoder.0.weight").data_ptr());
}

void TestVisionPuzzleVae::trainingStepUsesStraightThroughAndBatchStatistics() {
    const VisionPuzzleVae base = VisionPuzzleVae::randomInit({8, 10}, 5);
    StateDict sd;
    for (const auto& e : base.weights().entries()) {
        at::Tensor t = e.tensor.clone();
        if (e.name.find("running_") == std::string::npos) t.requires_grad_(true);
        sd.set(e.name, t);
    }
    auto m = base.withWeights(sd);
    QVERIFY(m.ok());
    const at::Tensor x = m_images.slice(0, 0, 2);
    TrainingOptions o;
    o.sample = true;
    auto loss = (*m)->trainingLoss(x, o);
    QVERIFY(loss.ok());
    loss->loss.backward();
    // The codebook learns from its own term, the encoder through the straight-through
    // estimator and the commitment term, the decoder from the reconstruction.
    for (const char* name : {"vq.codebook.weight", "encoder.encoder.0.weight", "encoder.encoder.10.weight", "decoder.decoder.9.weight"}) {
        const at::Tensor grad = sd.get(name).grad();
        QVERIFY2(grad.defined() && grad.abs().sum().item<double>() > 0, name);
    }
    // Training mode updated the running statistics in place (momentum 0.1), in the given tensors.
    QVERIFY(!sd.get("encoder.encoder.1.running_mean").equal(base.weights().get("encoder.encoder.1.running_mean")));
    // Per-image SSE in [0, 1] units.
    QCOMPARE(loss->sse.sizes().vec(), (std::vector<int64_t>{2}));
    at::NoGradGuard g;
    TrainingOptions eval;
    eval.sample = false;
    auto v = (*m)->trainingLoss(x, eval);
    QVERIFY(v.ok());
    const at::Tensor sse = ((*m)->reconstruct(x) - x).pow(2).flatten(1).sum(1);
    QVERIFY(maxAbs(v->sse, sse) <= 1e-3 * sse.max().item<double>());
}

void TestVisionPuzzleVae::torchScriptComputesTheSame() {
    auto archive = m_model->torchScriptArchive(ModelPrecision::Fp32);
    QVERIFY2(archive.ok(), archive.ok() ? "" : archive.error().message.c_str());
    std::istringstream in(*archive);
    torch::jit::Module module = torch::jit::load(in);
    at::NoGradGuard g;
    const at::Tensor y = module.forward({m_images}).toTensor();
    QCOMPARE(maxAbs(y, m_model->forwardNative(m_images)), 0.0);
    const at::Tensor codes = module.get_method("encode_to_puzzle")({m_images}).toTensor();
    QVERIFY(codes.equal(m_model->nearestCodes(m_model->encodeNative(m_images))));
    QCOMPARE(maxAbs(module.get_method("decode_from_puzzle")({codes}).toTensor(), y), 0.0);
    // SAGE's names, and the BatchNorm statistics as buffers.
    int64_t tensors = 0;
    for (const auto& p : module.named_parameters()) tensors += m_model->weights().contains(p.name) ? 1 : -1000;
    for (const auto& b : module.named_buffers()) tensors += m_model->weights().contains(b.name) ? 1 : -1000;
    QCOMPARE(tensors, int64_t(m_model->weights().size()));

    auto half = m_model->torchScriptArchive(ModelPrecision::Fp16);
    QVERIFY2(half.ok(), half.ok() ? "" : half.error().message.c_str());
    std::istringstream inHalf(*half);
    torch::jit::Module mh = torch::jit::load(inHalf);
    const double d = maxAbs(mh.forward({m_images}).toTensor(), y);
    QVERIFY2(d < 0.1, qPrintable(QString::number(d)));
}

// encoder.onnx and decoder.onnx only: the nearest-code step (with the codebook) runs between
// them on the device. Every tensor but the codebook is in one of the two graphs; the Resize
// scales give exactly 30 and 224 under floor(in * scale) in float and in double.
void TestVisionPuzzleVae::onnxPairWithTheNearestCodeStepBetween() {
    const auto parts = m_model->onnxGraphParts();
    QCOMPARE(parts, (std::vector<OnnxGraphPart>{OnnxGraphPart::Encoder, OnnxGraphPart::Decoder}));
    const auto artifacts = m_model->exportArtifacts();
    QVERIFY(std::find(artifacts.begin(), artifacts.end(), ExportArtifact::Onnx) != artifacts.end());
    QVERIFY(m_model->onnxLatentStep().kind == OnnxLatentStep::Kind::NearestCode);
    QCOMPARE(m_model->onnxLatentStep().codebookTensor, std::string("vq.codebook.weight"));

    RecordingSink enc, dec, whole;
    QVERIFY(m_model->buildOnnxGraph(OnnxGraphPart::Encoder, enc).ok());
    QVERIFY(m_model->buildOnnxGraph(OnnxGraphPart::Decoder, dec).ok());
    QVERIFY(!m_model->buildOnnxGraph(OnnxGraphPart::Model, whole).ok());
    const std::vector<std::string> encOps{"Mul", "Add", "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu",
                                          "Conv", "BatchNormalization", "Relu", "Resize", "Conv"};
    const std::vector<std::string> decOps{"Conv", "BatchNormalization", "Relu", "ConvTranspose", "BatchNormalization", "Relu",
                                          "ConvTranspose", "BatchNormalization", "Relu", "ConvTranspose", "Resize", "Tanh"};
    QCOMPARE(enc.ops, encOps);
    QCOMPARE(dec.ops, decOps);
    QCOMPARE(enc.outputName, std::string("z_e"));
    QCOMPARE(enc.outputDims, (std::vector<int64_t>{64, 30, 30}));
    QCOMPARE(dec.outputName, std::string("x_hat"));
    std::set<std::string> used(enc.weights.begin(), enc.weights.end());
    used.insert(dec.weights.begin(), dec.weights.end());
    for (const auto& t : m_model->tensors()) QCOMPARE(used.count(t.name), size_t(t.name == "vq.codebook.weight" ? 0 : 1));
    const std::pair<int64_t, int64_t> sizes[] = {{28, 30}, {240, 224}};
    const std::vector<float> resizeScales[] = {enc.scales.at(0), dec.scales.at(0)};
    for (int i = 0; i < 2; ++i) {
        const auto [in, out] = sizes[i];
        const float s = resizeScales[i][2];
        QCOMPARE(resizeScales[i][3], s);
        QCOMPARE(std::floor(static_cast<double>(in) * static_cast<double>(s)), static_cast<double>(out));
        QCOMPARE(std::floor(static_cast<float>(in) * s), static_cast<float>(out));
    }
}

QTEST_GUILESS_MAIN(TestVisionPuzzleVae)
#include "tst_visionpuzzlevae.moc"
