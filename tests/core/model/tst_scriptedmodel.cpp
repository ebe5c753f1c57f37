// SPDX-License-Identifier: Apache-2.0
// ScriptedModel on a real-PyTorch TorchScript VAE (tests/fixtures/model_torchscript_zoo.py):
// layer kinds from module types (mangled class names included), BatchNorm statistics as
// buffers, and withWeights() making a model that shares no storage with the original, which
// stays bit-identical. TinyVAE's withWeights holds to the same rule.
#include "io/checkpoint.h"
#include "model/modelloader.h"
#include "model/tinyvae.h"

#include "testsupport.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QtTest>

using namespace pareto;

namespace {

bool sharesStorage(const Model& a, const Model& b) {
    for (const auto& x : a.tensors())
        for (const auto& y : b.tensors())
            if (x.tensor.storage().is_alias_of(y.tensor.storage())) return true;
    return false;
}

// Every tensor of `model` doubled: a different model of the same shape.
StateDict doubled(const Model& model) {
    StateDict sd;
    for (const auto& t : model.tensors()) sd.set(t.name, t.tensor * 2);
    return sd;
}

StateDict snapshot(const Model& model) {
    StateDict sd;
    for (const auto& t : model.tensors()) sd.set(t.name, t.tensor.clone());
    return sd;
}

bool bitIdentical(const at::Tensor& a, const at::Tensor& b) {
    return a.sizes() == b.sizes() && at::equal(a.view(at::kInt), b.view(at::kInt));
}

}  // namespace

class TestScriptedModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void layersFromModuleTypes();
    void withWeightsSharesNothing_data();
    void withWeightsSharesNothing();
    void withWeightsRejectsWrongShapes();

private:
    ModelPtr m_script;
};

void TestScriptedModel::initTestCase() {
    const QString path = QDir(test::torchScriptZoo()).filePath("conv_vae28.ts");
    QVERIFY2(QFile::exists(path), qPrintable(path));
    CheckpointLoadOptions trusted;
    trusted.trustCode = true;  // our own fixture
    auto loaded = loadModel(path.toStdString(), trusted);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
    m_script = loaded->model;
}

void TestScriptedModel::layersFromModuleTypes() {
    // Two Conv2d of different strides get mangled class names in TorchScript; both count.
    int conv = 0, convT = 0, linear = 0, norm = 0, buffers = 0;
    for (const auto& t : m_script->tensors()) {
        if (t.buffer) {
            ++buffers;
            QCOMPARE(int(t.layer), int(LayerKind::Norm));
            QVERIFY(!t.quantizedByDefault);
            continue;
        }
        if (!t.quantizedByDefault) {
            QCOMPARE(t.axis, int64_t(-1));
            norm += t.layer == LayerKind::Norm;
            continue;
        }
        switch (t.layer) {
        case LayerKind::Conv: ++conv; QCOMPARE(t.axis, int64_t(0)); break;
        case LayerKind::ConvTranspose: ++convT; QCOMPARE(t.axis, int64_t(1)); break;
        case LayerKind::Linear: ++linear; QCOMPARE(t.axis, int64_t(0)); break;
        default: QFAIL(t.name.c_str());
        }
    }
    QCOMPARE(conv, 2);
    QCOMPARE(convT, 2);
    QCOMPARE(linear, 3);
    QCOMPARE(norm, 6);     // weight and bias of three BatchNorm2d
    QCOMPARE(buffers, 6);  // running_mean and running_var of each; num_batches_tracked is not float
    QCOMPARE(m_script->info().bufferValues, int64_t(2 * (16 + 32 + 16)));
}

void TestScriptedModel::withWeightsSharesNothing_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("TorchScript conv VAE with BatchNorm") << "script";
    QTest::newRow("TinyVAE") << "tinyvae";
}

void TestScriptedModel::withWeightsSharesNothing() {
    QFETCH(QString, model);
    const ModelPtr original = model == "script" ? m_script : ModelPtr(std::make_shared<TinyVae>(TinyVae::randomInit({1, 4}, 3)));
    const std::vector<int64_t> shape = original->info().inputShape;
    at::manual_seed(2);
    const at::Tensor x = at::rand({3, shape[0], shape[1], shape[2]});
    const StateDict before = snapshot(*original);
    const at::Tensor yBefore = original->reconstruct(x);

    auto changed = original->withWeights(doubled(*original));
    QVERIFY2(changed.ok(), changed.ok() ? "" : changed.error().message.c_str());
    QVERIFY(!sharesStorage(*original, **changed));
    // The copy computes with its own weights; the original is untouched, bit for bit.
    QVERIFY(!at::allclose((*changed)->reconstruct(x), yBefore));
    for (const auto& t : original->tensors()) QVERIFY2(bitIdentical(t.tensor, before.get(t.name)), t.name.c_str());
    QVERIFY(bitIdentical(original->reconstruct(x), yBefore));
    // Same weights again: the same function, still separate storage.
    auto same = original->withWeights(snapshot(*original));
    QVERIFY(same.ok());
    QVERIFY(!sharesStorage(*original, **same));
    QVERIFY(bitIdentical((*same)->reconstruct(x), yBefore));
}

void TestScriptedModel::withWeightsRejectsWrongShapes() {
    StateDict sd = snapshot(*m_script);
    sd.set("fc_mu.weight", at::zeros({3, 3}));
    auto r = m_script->withWeights(sd);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains("fc_mu.weight"), r.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestScriptedModel)
#include "tst_scriptedmodel.moc"
