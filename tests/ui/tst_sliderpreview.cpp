// SPDX-License-Identifier: Apache-2.0
// Moving the bit-width slider from INT8 to INT2 with the keyboard changes the compressed
// preview's pixels, adds a chart point, and the MSE shown equals core's own figure for that
// configuration, computed here with core directly (evaluateCompression).
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/qualitychart.h"
#include "common/uiformat.h"
#include "controls/bitwidthstops.h"
#include "controls/controlspanel.h"
#include "jobs/previewjob.h"
#include "mainwindow.h"
#include "metrics/metricspanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include "compress/compressionevaluation.h"
#include "data/datasetloader.h"
#include "model/modelloader.h"

#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

using namespace pareto;

class TestSliderPreview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void stopsMapToSchemes_data();
    void stopsMapToSchemes();
    void int8ToInt2();
    void returningToAMeasuredConfigIsInstant();
    void metricsStreamWithRunningCi();
    void firstImageAloneFirst();
};

void TestSliderPreview::stopsMapToSchemes_data() {
    QTest::addColumn<int>("stop");
    QTest::addColumn<int>("granularity");
    QTest::addColumn<bool>("symmetric");
    QTest::addColumn<QString>("scheme");
    const int channel = static_cast<int>(Granularity::PerChannel), group = static_cast<int>(Granularity::Group),
              tensor = static_cast<int>(Granularity::PerTensor);
    QTest::newRow("FP32 ignores every option") << 0 << group << false << "fp32";
    QTest::newRow("BF16") << 2 << channel << true << "bf16";
    QTest::newRow("INT8 per channel, the default") << 3 << channel << true << "int8";
    QTest::newRow("INT4 group 64, asymmetric") << 7 << group << false << "int4-g64-asym";
    QTest::newRow("INT2 per tensor") << 9 << tensor << true << "int2-tensor";
    QTest::newRow("NF4 keeps its absmax blocks") << 10 << tensor << false << "nf4";
    QTest::newRow("ternary per tensor") << 11 << tensor << false << "ternary-tensor";
}

void TestSliderPreview::stopsMapToSchemes() {
    QFETCH(int, stop);
    QFETCH(int, granularity);
    QFETCH(bool, symmetric);
    QFETCH(QString, scheme);
    ui::SchemeOptions o;
    o.granularity = static_cast<Granularity>(granularity);
    o.symmetric = symmetric;
    const QuantScheme s = ui::schemeForStop(stop, o);
    QCOMPARE(QString::fromStdString(s.toString()), scheme);
    QVERIFY(s.validate().ok());
    QCOMPARE(ui::stopIndexFor(s), stop);
}

void TestSliderPreview::int8ToInt2() {
    constexpr qint64 kImages = 200;
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    QCOMPARE(ui::bitWidthStops().at(slider->value()).label, QStringLiteral("INT8"));
    const ui::PreviewResult* p8 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p8);
    const QImage int8 = p8->samples[0].compressed;
    const QImage original = p8->samples[0].original;
    const int index = p8->samples[0].index;
    QTRY_COMPARE(w.chartsPanel()->qualityChart()->pointCount(), 2);  // FP32 and INT8
    const int pointsBefore = w.chartsPanel()->qualityChart()->pointCount();

    // Six presses of the Right key walk INT7 ... INT2 without the event loop running in
    // between: six previews are requested, INT7's starts at once, each later one replaces
    // the pending request, so only INT2's is computed after it, and INT7's result, stale on
    // arrival, is dropped: one preview reaches the screen.
    QSignalSpy requested(w.controller(), &ui::StudioController::previewRequested);
    QSignalSpy shownPreviews(w.controller(), &ui::StudioController::previewChanged);
    slider->setFocus();
    for (int i = 0; i < 6; ++i) QTest::keyClick(slider, Qt::Key_Right);
    QCOMPARE(ui::bitWidthStops().at(slider->value()).label, QStringLiteral("INT2"));
    QVERIFY(test::waitSettled(w));
    QCOMPARE(requested.count(), 6);
    QCOMPARE(shownPreviews.count(), 1);
    const ui::PreviewResult* p2 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p2);
    QCOMPARE(QString::fromStdString(p2->config.scheme.toString()), QStringLiteral("int2"));
    QCOMPARE(p2->samples[0].index, index);
    QVERIFY(p2->samples[0].original == original);
    QVERIFY2(p2->samples[0].compressed != int8, "INT2 preview has the same pixels as INT8");
    QTRY_VERIFY(w.chartsPanel()->qualityChart()->pointCount() > pointsBefore);
    QVERIFY(w.controller()->configs()->find(QStringLiteral("int2")));
    QVERIFY(!test::screenshot(&w, "slider-int2").isEmpty());

    // Core's figure for int2 (symmetric, per channel, min-max, FP16 scales) on the same images.
    auto loaded = loadModel(test::demoModel().toStdString());
    QVERIFY(loaded.ok());
    auto spec = parseDataSpec(test::demoSpec().toStdString());
    QVERIFY(spec.ok());
    DatasetLoadOptions opts;
    opts.limit = kImages;
    opts = optionsForModel(loaded->model->info(), opts);
    auto data = loadDataset(*spec, opts);
    auto mean = loadMeanImage(*spec, opts);
    QVERIFY(data.ok() && mean.ok());
    QuantPlan plan;
    plan.defaultScheme = QuantScheme::integer(2);
    auto core = evaluateCompression(*loaded->model, plan, *data, *mean, 64);
    QVERIFY2(core.ok(), core.ok() ? "" : core.error().message.c_str());

    ui::MetricsPanel* metrics = w.metricsPanel();
    QVERIFY(metrics->shownComplete());
    QCOMPARE(metrics->shownMse().n, kImages);
    QCOMPARE(metrics->shownMse().mean, core->compressed.mse.mean);  // bit-identical
    QCOMPARE(metrics->shownMse().lo, core->compressed.mse.lo);
    QCOMPARE(metrics->shownMse().hi, core->compressed.mse.hi);
    const QString shown = ui::formatEstimate(core->compressed.mse, 4);
    QCOMPARE(metrics->mseText(), shown);
    QVERIFY2(metrics->text().contains(shown), qPrintable(metrics->text()));
    const ui::EvaluatedConfig* rec = w.controller()->configs()->find(QStringLiteral("int2"));
    QCOMPARE(rec->bytes, core->quantized.size.bytes);
    QCOMPARE(rec->deltaMse.estimate.mean, core->deltaVsFp32.mse.estimate.mean);
    // Per-channel INT2 is worse than predicting the mean image, and the Warnings panel says so.
    QVERIFY(core->compressed.mse.lo > core->fp32.baselineSummary.mse.hi);
    const QString warnings = w.warningsPanel()->messages().join('\n');
    QVERIFY2(warnings.contains("int2: held-out MSE") && warnings.contains("worse than predicting the mean image"), qPrintable(warnings));
}

void TestSliderPreview::returningToAMeasuredConfigIsInstant() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 64));
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    const int int8 = slider->value();
    slider->setValue(int8 + 1);
    QVERIFY(test::waitSettled(w));
    const int measured = w.controller()->configs()->size();
    // Back to INT8: its figures are already complete, so they show with the preview and
    // nothing is measured again.
    slider->setValue(int8);
    QVERIFY(w.metricsPanel()->shownComplete());
    QVERIFY(test::waitSettled(w));
    QCOMPARE(w.controller()->configs()->size(), measured);
}

void TestSliderPreview::metricsStreamWithRunningCi() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 300));
    // Figures arrive every 128 images (two batches): 128, 256, then all 300.
    QVector<qint64> seen;
    QVector<bool> complete;
    connect(w.controller(), &ui::StudioController::metricsChanged, this, [&] {
        if (const ui::EvaluatedConfig* m = w.controller()->currentMetrics()) {
            if (seen.isEmpty() || seen.last() != m->n) seen << m->n, complete << m->complete;
        }
    });
    w.controlsPanel()->bitWidthSlider()->setValue(7);  // INT4
    QVERIFY(test::waitSettled(w));
    QCOMPARE(seen, (QVector<qint64>{128, 256, 300}));
    QCOMPARE(complete, (QVector<bool>{false, false, true}));
    // The panel said so while it streamed, and the CI narrowed as n grew.
    const ui::EvaluatedConfig* done = w.controller()->currentMetrics();
    QVERIFY(done->mse.hi - done->mse.lo > 0);
}

void TestSliderPreview::firstImageAloneFirst() {
    // Large images (224 x 224) paint their first image before the others; forced here on the
    // 64 x 64 demo. The grid shows the first, the rest "…" with the updating badge, then all
    // of them; the first keeps its pixels, and only the complete preview counts as settled.
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 64));
    auto* job = w.controller()->findChild<ui::PreviewJob*>();
    QVERIFY(job);
    job->setFirstImageAloneFrom(0);
    QVector<bool> paints;
    QVector<ui::PreviewResult> shown;
    ui::ReconstructionGrid* grid = w.reconstructionPanel()->grid();
    connect(grid, &ui::ReconstructionGrid::painted, this, [&](quint64 g, bool complete) {
        if (g == w.controller()->generation()) paints << complete;
    });
    connect(w.controller(), &ui::StudioController::previewChanged, this, [&] {
        if (const ui::PreviewResult* p = w.controller()->preview()) shown << *p;
    });
    w.controlsPanel()->bitWidthSlider()->setValue(7);  // INT4
    QVERIFY(test::waitSettled(w));
    QCOMPARE(shown.size(), 2);
    const ui::PreviewResult& first = shown[0];
    const ui::PreviewResult& all = shown[1];
    QVERIFY(first.partial);
    QVERIFY(!all.partial);
    QCOMPARE(first.samples.size(), all.samples.size());
    QVERIFY(first.samples.size() > 1);
    QVERIFY(!first.samples[0].pending && !first.samples[0].compressed.isNull());
    for (int i = 1; i < first.samples.size(); ++i) {
        QVERIFY(first.samples[i].pending);
        QVERIFY(first.samples[i].compressed.isNull());
        QVERIFY(!first.samples[i].original.isNull());  // the fixed columns are there at once
    }
    for (const auto& s : all.samples) QVERIFY(!s.pending && !s.compressed.isNull());
    QVERIFY(first.samples[0].compressed == all.samples[0].compressed);
    QCOMPARE(first.samples[0].compressedMse, all.samples[0].compressedMse);
    QCOMPARE(first.bytes, all.bytes);
    QVERIFY(first.errorScale <= all.errorScale);
    QVERIFY(!paints.isEmpty());
    QCOMPARE(paints.last(), true);
    QVERIFY(paints.contains(false) || paints.size() == 1);  // the partial may be painted over before a frame
    QVERIFY(!grid->isStale());
}

QTEST_MAIN(TestSliderPreview)
#include "tst_sliderpreview.moc"
