// SPDX-License-Identifier: Apache-2.0
// model.pt built with torch::jit::Module::define: loads with LibTorch, computes what TinyVae
// computes (FP32 exactly; FP16 with FP16-rounded weights), carries SAGE's parameter names.
// (Python's torch.jit.load is checked on whole packages in tst_packageexporter.)
#include "export/precisionweights.h"

#include "common/atomicfile.h"
#include "io/checkpoint.h"
#include "model/scriptedmodel.h"
#include "model/tinyvae.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

at::Tensor first(const c10::IValue& v) { return v.isTuple() ? v.toTupleRef().elements()[0].toTensor() : v.toTensor(); }

}  // namespace

class TestTorchScriptExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesTinyVae_data();
    void matchesTinyVae();
    void sourceHasTheMethods();
};

void TestTorchScriptExport::matchesTinyVae_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("latent");
    QTest::addColumn<bool>("fp16");
    QTest::newRow("1 channel, L=16, FP32") << 1 << 16 << false;
    QTest::newRow("3 channels, L=8, FP32") << 3 << 8 << false;
    QTest::newRow("3 channels, L=4, FP16 weights") << 3 << 4 << true;
}

void TestTorchScriptExport::matchesTinyVae() {
    QFETCH(int, channels);
    QFETCH(int, latent);
    QFETCH(bool, fp16);
    const ModelPrecision precision = fp16 ? ModelPrecision::Fp16 : ModelPrecision::Fp32;
    const TinyVae model = TinyVae::randomInit({channels, latent}, 5);
    auto bytes = model.torchScriptArchive(precision);
    QVERIFY2(bytes.ok(), bytes.ok() ? "" : bytes.error().message.c_str());
    QTemporaryDir dir;
    const std::string path = dir.filePath("model.pt").toStdString();
    QVERIFY(writeFileAtomic(path, *bytes).ok());

    CheckpointLoadOptions trusted;
    trusted.trustCode = true;  // the module we just wrote
    auto ckpt = loadCheckpoint(path, trusted);
    QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().message.c_str());
    QCOMPARE(ckpt->format, CheckpointFormat::TorchScript);
    auto& m = *ckpt->script;
    // SAGE's names and shapes, in SAGE's order; values equal the model's at the precision.
    const auto expected = TinyVae::expectedShapes({channels, latent});
    size_t i = 0;
    const StateDict at = weightsAtPrecision(model.weights(), precision);
    for (const auto& p : m.named_parameters(true)) {
        QVERIFY(i < expected.size());
        QCOMPARE(QString::fromStdString(p.name), QString::fromStdString(expected[i].first));
        QCOMPARE(p.value.sizes().vec(), expected[i].second);
        QCOMPARE(p.value.scalar_type(), fp16 ? at::kHalf : at::kFloat);
        QVERIFY(at::equal(p.value.to(at::kFloat), at.get(p.name)));
        ++i;
    }
    QCOMPARE(i, expected.size());
    QCOMPARE(m.attr("latent_dim").toInt(), int64_t(latent));
    QCOMPARE(m.attr("in_channels").toInt(), int64_t(channels));
    QCOMPARE(QString::fromStdString(m.attr("precision").toStringRef()), QString(modelPrecisionName(precision)));

    // Same arithmetic as TinyVae over the same (precision-rounded) weights.
    auto reference = TinyVae::fromStateDict(at);
    QVERIFY(reference.ok());
    at::manual_seed(1);
    const at::Tensor x = at::rand({5, channels, 64, 64});
    at::NoGradGuard noGrad;
    const at::Tensor y = m.forward({x}).toTensor();
    const auto enc = m.run_method("encode", x).toTupleRef().elements();
    const at::Tensor z = at::randn({3, latent});
    const at::Tensor dec = first(m.run_method("decode", z));
    const auto [mu, logvar] = reference->encodeMuLogvar(x);
    QVERIFY((y - reference->reconstruct(x)).abs().max().item<double>() <= 1e-6);
    QVERIFY((enc[0].toTensor() - mu).abs().max().item<double>() <= 1e-6);
    QVERIFY((enc[1].toTensor() - logvar).abs().max().item<double>() <= 1e-6);
    QVERIFY((dec - reference->decode(z)).abs().max().item<double>() <= 1e-6);

    // It is a VAE our own loader accepts: a ScriptedModel with the right L and input.
    auto scripted = ScriptedModel::create(ckpt->script, {});
    QVERIFY(scripted.ok());
    QCOMPARE((*scripted)->info().latentDim, int64_t(latent));
    QCOMPARE((*scripted)->info().inputShape, (std::vector<int64_t>{channels, 64, 64}));
    QCOMPARE(int((*scripted)->info().interface), int(ModelInterface::Vae));
}

void TestTorchScriptExport::sourceHasTheMethods() {
    for (ModelPrecision p : {ModelPrecision::Fp32, ModelPrecision::Fp16}) {
        const QString src = QString::fromStdString(TinyVae::scriptSource({3, 16}, p));
        for (const char* def : {"def encode(self, x: Tensor) -> Tuple[Tensor, Tensor]:", "def decode(self, z: Tensor) -> Tensor:",
                                "def forward(self, x: Tensor) -> Tensor:"})
            QVERIFY2(src.contains(def), def);
        QCOMPARE(src.contains(".to(dt)"), p == ModelPrecision::Fp16);
        QVERIFY(src.contains("torch.conv2d(x, b0.depthwise.weight") || src.contains("torch.conv2d(x, (b0.depthwise.weight).to(dt)"));
        QVERIFY(src.contains(", 3)\n"));  // depthwise groups = input channels
    }
}

QTEST_GUILESS_MAIN(TestTorchScriptExport)
#include "tst_torchscriptexport.moc"
