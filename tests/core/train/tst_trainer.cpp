// SPDX-License-Identifier: Apache-2.0
// Trainer: learns, is reproducible from its seed, stops early, cancels cleanly.
#include "model/modelregistry.h"
#include "train/trainer.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <atomic>

using namespace pareto;

namespace {

// Bright rectangles on dark ground: structure a VAE can learn in a few epochs.
Dataset rectangles(int n, uint64_t seed) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    at::Tensor imgs = at::full({n, 1, 64, 64}, 0.1);
    const at::Tensor corners = at::randint(4, 40, {n, 4}, gen, at::kLong);
    for (int i = 0; i < n; ++i) {
        const auto y = corners[i][0].item<int64_t>(), x = corners[i][1].item<int64_t>();
        const auto h = corners[i][2].item<int64_t>() / 2 + 4, w = corners[i][3].item<int64_t>() / 2 + 4;
        imgs[i][0].slice(0, y, y + h).slice(1, x, x + w).fill_(0.9);
    }
    Dataset d;
    d = Dataset::fromImages(imgs);
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "rectangles";
    return d;
}

TrainConfig smallConfig() {
    TrainConfig c;
    c.latentDim = 4;
    c.epochs = 3;
    c.batchSize = 16;
    c.learningRate = 3e-3;
    c.seed = 5;
    c.patience = 0;
    return c;
}

// A fresh single-channel TinyVAE with latent 4, seeded like `pareto train`.
ModelPtr freshModel(uint64_t seed = 5) {
    ArchitectureConfig a;
    a.channels = 1;
    a.latentDim = 4;
    a.seed = seed;
    auto m = findArchitecture("tinyvae")->create(a);
    if (!m.ok()) qFatal("%s", m.error().message.c_str());
    return *m;
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void learns();
    void reproducibleFromSeed();
    void cancelStopsPromptly();
    void rejectsWrongImageSize();
};

void TestTrainer::learns() {
    const Dataset train = rectangles(128, 1), val = rectangles(32, 2);
    auto r = trainModel(freshModel(), train, val, smallConfig());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(int(r->history.size()), 3);
    QVERIFY(r->history.back().valLoss < r->history.front().valLoss);
    QVERIFY(r->secondsPerEpoch > 0);
    // The best weights are plain tensors: no autograd state leaks into evaluation.
    for (const auto& t : r->model->tensors()) QVERIFY(!t.tensor.requires_grad());
}

void TestTrainer::reproducibleFromSeed() {
    const Dataset train = rectangles(64, 1), val = rectangles(16, 2);
    TrainConfig c = smallConfig();
    c.epochs = 1;
    auto a = trainModel(freshModel(), train, val, c), b = trainModel(freshModel(), train, val, c);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(modelWeights(*a->model).get("fc_mu.weight").equal(modelWeights(*b->model).get("fc_mu.weight")));
    QCOMPARE(a->history[0].valLoss, b->history[0].valLoss);
}

void TestTrainer::cancelStopsPromptly() {
    const Dataset train = rectangles(64, 1), val = rectangles(16, 2);
    std::atomic<int> calls{0};
    const ProgressSink sink([&](double, const std::string&) { return ++calls < 2; });
    auto r = trainModel(freshModel(), train, val, smallConfig(), sink);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QCOMPARE(calls.load(), 2);
}

void TestTrainer::rejectsWrongImageSize() {
    Dataset train = rectangles(8, 1);
    train = Dataset::fromImages(at::rand({8, 1, 32, 32}));
    auto r = trainModel(freshModel(), train, rectangles(8, 2), smallConfig());
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("the model takes"));
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
