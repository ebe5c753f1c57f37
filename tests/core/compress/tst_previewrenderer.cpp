// SPDX-License-Identifier: Apache-2.0
// A preview can show its first image before the others: the same pictures and numbers, sooner.
#include "compress/previewrenderer.h"
#include "model/tinyvae.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <memory>

using namespace pareto;

namespace {

std::shared_ptr<const Dataset> noiseImages(int n) {
    at::Generator gen = at::detail::createCPUGenerator(5);
    auto d = std::make_shared<Dataset>(Dataset::fromImages(at::rand({n, 3, 64, 64}, gen)));
    d->ids.resize(static_cast<size_t>(n));
    d->identity = "noise";
    return d;
}

PreviewRequest requestFor(const std::shared_ptr<const Model>& model, const std::shared_ptr<const Dataset>& data, int count) {
    PreviewRequest r;
    r.base = model;
    r.original = model;
    r.data = data;
    r.dataId = 1;
    r.plan.defaultScheme = *QuantScheme::parse("int4");
    for (int i = 0; i < count; ++i) r.indices.push_back(i);
    return r;
}

}  // namespace

class TestPreviewRenderer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstImageThenTheRest_data();
    void firstImageThenTheRest();
    void stopsWhenNoLongerWanted_data();
    void stopsWhenNoLongerWanted();
    void oneImageIsNotSplit();
};

void TestPreviewRenderer::firstImageThenTheRest_data() {
    QTest::addColumn<bool>("pinned");
    QTest::addColumn<bool>("vsBaseline");
    QTest::addColumn<float>("locked");
    QTest::newRow("plain") << false << false << 0.0f;
    QTest::newRow("with A pinned") << true << false << 0.0f;
    QTest::newRow("error vs FP32 output") << false << true << 0.0f;
    QTest::newRow("locked colour scale") << true << false << 0.25f;
}

void TestPreviewRenderer::firstImageThenTheRest() {
    QFETCH(bool, pinned);
    QFETCH(bool, vsBaseline);
    QFETCH(float, locked);
    auto model = std::make_shared<const TinyVae>(TinyVae::randomInit({3, 16}, 7));
    auto data = noiseImages(6);
    PreviewRequest r = requestFor(model, data, 5);
    r.errorVsBaseline = vsBaseline;
    r.lockedScale = locked;
    if (pinned) r.pinned = std::make_shared<const TinyVae>(TinyVae::randomInit({3, 16}, 8));

    PreviewCache wholeCache, splitCache;
    auto whole = renderPreview(r, wholeCache);
    QVERIFY2(whole.ok(), whole.ok() ? "" : whole.error().message.c_str());
    int calls = 0;
    int64_t firstRendered = 0;
    std::vector<double> firstMse;
    float firstScale = 0;
    at::Tensor firstError;
    bool shapesOk = false;
    PreviewProgress progress;
    progress.firstImage = [&](const PreviewRender& first) {
        ++calls;
        firstRendered = first.rendered();
        firstMse = first.mse;
        firstScale = first.scale;
        firstError = first.errors.clone();
        // A is fixed: all of its images are there from the start.
        shapesOk = first.fixed.images.size(0) == 5 && first.maxError.size() == 1 && first.psnr.size() == 1 &&
                   (!pinned || (first.pinnedMse.size() == 5 && first.pinnedErrors.size(0) == 5));
    };
    auto split = renderPreview(r, splitCache, progress);
    QVERIFY2(split.ok(), split.ok() ? "" : split.error().message.c_str());
    QCOMPARE(calls, 1);
    QVERIFY(shapesOk);
    QCOMPARE(firstRendered, int64_t(1));
    QCOMPARE(split->rendered(), int64_t(5));
    QCOMPARE(whole->rendered(), int64_t(5));
    // The same pictures and numbers as one batch (batches of one may sum in another order).
    QVERIFY(at::allclose(split->reconstructions, whole->reconstructions, 1e-5, 1e-6));
    QVERIFY(at::allclose(split->errors, whole->errors, 1e-5, 1e-6));
    QCOMPARE(split->mse.size(), size_t(5));
    for (size_t i = 0; i < 5; ++i) QVERIFY(std::abs(split->mse[i] - whole->mse[i]) <= 1e-9 + 1e-6 * whole->mse[i]);
    QVERIFY(std::abs(firstMse.at(0) - whole->mse[0]) <= 1e-9 + 1e-6 * whole->mse[0]);
    QVERIFY(at::allclose(firstError[0], whole->errors[0], 1e-5, 1e-6));
    // The first image's colour scale is its own (and A's) until the rest are in; a locked one stays.
    if (locked > 0) {
        QCOMPARE(firstScale, locked);
        QCOMPARE(split->scale, locked);
    } else {
        QVERIFY(firstScale <= split->scale);
        QVERIFY(std::abs(split->scale - whole->scale) <= 1e-5f * whole->scale);
    }
    if (pinned) QCOMPARE(split->pinnedMse, whole->pinnedMse);
}

void TestPreviewRenderer::stopsWhenNoLongerWanted_data() {
    QTest::addColumn<int>("wantedFor");  // further images still wanted
    QTest::addColumn<int>("rendered");
    QTest::newRow("after the first") << 0 << 1;
    QTest::newRow("after the third") << 2 << 3;
    QTest::newRow("all wanted") << 99 << 5;
}

void TestPreviewRenderer::stopsWhenNoLongerWanted() {
    QFETCH(int, wantedFor);
    QFETCH(int, rendered);
    auto model = std::make_shared<const TinyVae>(TinyVae::randomInit({3, 16}, 7));
    PreviewCache cache;
    int asked = 0;
    PreviewProgress progress;
    progress.firstImage = [](const PreviewRender&) {};
    progress.stillWanted = [&] { return asked++ < wantedFor; };
    auto r = renderPreview(requestFor(model, noiseImages(6), 5), cache, progress);
    QVERIFY(r.ok());
    QCOMPARE(r->rendered(), int64_t(rendered));
    QCOMPARE(r->mse.size(), size_t(rendered));
    QCOMPARE(r->errors.size(0), int64_t(rendered));
    QCOMPARE(r->fixed.images.size(0), int64_t(5));
}

void TestPreviewRenderer::oneImageIsNotSplit() {
    auto model = std::make_shared<const TinyVae>(TinyVae::randomInit({3, 16}, 7));
    PreviewCache cache;
    int calls = 0;
    PreviewProgress progress;
    progress.firstImage = [&](const PreviewRender&) { ++calls; };
    auto r = renderPreview(requestFor(model, noiseImages(3), 1), cache, progress);
    QVERIFY(r.ok());
    QCOMPARE(calls, 0);
    QCOMPARE(r->rendered(), int64_t(1));
}

QTEST_APPLESS_MAIN(TestPreviewRenderer)
#include "tst_previewrenderer.moc"
