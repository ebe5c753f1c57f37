// SPDX-License-Identifier: Apache-2.0
// The Reconstructions panel: worst-N by ΔMSE picks the images core's per-image figures
// rank worst; a click enlarges a sample with zoom and pan shared by its four views; A pinned
// adds A's columns and a paired current - A comparison; a locked colour scale stays put.
#include "studiofixture.h"
#include "testsupport.h"

#include "controls/controlspanel.h"
#include "mainwindow.h"
#include "metrics/metricspanel.h"
#include "reconstruction/colorscalelegend.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "reconstruction/zoomdialog.h"
#include "reconstruction/zoomimageview.h"
#include "reconstruction/zoomstate.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "eval/evaluator.h"
#include "eval/metrics.h"
#include "eval/modelevaluation.h"

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSlider>
#include <QWheelEvent>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace pareto;

class TestReconstructionPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_window.reset(); }
    void worstByDelta();
    void enlargeWithSharedZoom();
    void pinAndCompare();
    void lockedScale();

private:
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestReconstructionPanel::initTestCase() {
    test::isolateSettings();
    m_window = std::make_unique<ui::MainWindow>();
    m_window->show();
    QVERIFY(test::openDemo(*m_window, 96));
}

void TestReconstructionPanel::worstByDelta() {
    ui::MainWindow& w = *m_window;
    ui::ReconstructionPanel* panel = w.reconstructionPanel();
    // INT3 hurts enough for a clear ranking.
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    slider->setValue(8);
    QVERIFY(test::waitSettled(w));
    panel->modeBox()->setCurrentIndex(1);
    QVERIFY(test::waitSettled(w));
    const ui::EvaluatedConfig* rec = w.controller()->currentMetrics();
    QVERIFY(rec && rec->complete && rec->perImage);
    const auto& cur = rec->perImage->mse;
    const auto& fp32 = w.controller()->session()->fp32->perImage.mse;
    std::vector<int> order(cur.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cur[a] - fp32[a] > cur[b] - fp32[b]; });
    const ui::PreviewResult* p = panel->grid()->preview();
    QVERIFY(p);
    QCOMPARE(p->samples.size(), 8);
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(p->samples[i].index, order[i]);
        QCOMPARE(p->samples[i].baselineMse, fp32[order[i]]);
        // The preview reconstructs its 8 images as one batch, the held-out pass in batches of
        // 64: the same model, float32 sums in another order.
        QVERIFY(std::abs(p->samples[i].compressedMse - cur[order[i]]) <= 1e-5 * cur[order[i]]);
    }
    QVERIFY2(panel->description().contains("worst 8"), qPrintable(panel->description()));
    QVERIFY(!test::screenshot(&w, "reconstructions-worst8").isEmpty());
    panel->modeBox()->setCurrentIndex(0);
    QVERIFY(test::waitSettled(w));
    QCOMPARE(panel->grid()->preview()->samples[0].index, 0);
}

void TestReconstructionPanel::enlargeWithSharedZoom() {
    ui::MainWindow& w = *m_window;
    ui::ReconstructionGrid* grid = w.reconstructionPanel()->grid();
    const int index = grid->preview()->samples[2].index;
    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->sampleRect(2).center());
    ui::ZoomDialog* zoom = w.reconstructionPanel()->zoomDialog();
    QVERIFY(zoom);
    QTRY_VERIFY(zoom->isVisible());
    QCOMPARE(zoom->sampleIndex(), index);
    const auto& views = zoom->views();
    QVERIFY(views[0]->isVisible() && views[3]->isVisible());
    QCOMPARE(zoom->zoomState()->zoom(), 1.0);

    // The wheel over the compressed view zooms all four about the same image point.
    const QPointF at(views[2]->width() * 0.3, views[2]->height() * 0.4);
    const QPointF anchor = views[2]->imagePointAt(at);
    QWheelEvent wheel(at, views[2]->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(views[2], &wheel);
    QVERIFY(zoom->zoomState()->zoom() > 1.5);
    QVERIFY((views[2]->imagePointAt(at) - anchor).manhattanLength() < 1e-6);
    for (auto* v : views)
        if (v->isVisible()) QVERIFY((v->imagePointAt(v->viewCenter()) - zoom->zoomState()->center()).manhattanLength() < 1e-9);

    // Dragging one pans every view by the same image offset.
    const QPointF before = zoom->zoomState()->center();
    QTest::mousePress(views[0], Qt::LeftButton, {}, QPoint(100, 120));
    QMouseEvent move(QEvent::MouseMove, QPointF(60, 100), views[0]->mapToGlobal(QPointF(60, 100)), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(views[0], &move);
    QTest::mouseRelease(views[0], Qt::LeftButton, {}, QPoint(60, 100));
    QVERIFY(zoom->zoomState()->center() != before);
    for (auto* v : views)
        if (v->isVisible()) QVERIFY((v->imagePointAt(v->viewCenter()) - zoom->zoomState()->center()).manhattanLength() < 1e-9);
    QVERIFY(!test::screenshot(zoom, "zoom-dialog").isEmpty());
    zoom->close();
}

void TestReconstructionPanel::pinAndCompare() {
    ui::MainWindow& w = *m_window;
    ui::ReconstructionPanel* panel = w.reconstructionPanel();
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    slider->setValue(3);  // INT8
    QVERIFY(test::waitSettled(w));
    QVERIFY(panel->pinButton()->isEnabled());
    QTest::mouseClick(panel->pinButton(), Qt::LeftButton);
    QVERIFY(w.controller()->pinned());
    slider->setValue(9);  // INT2
    QVERIFY(test::waitSettled(w));
    QTRY_VERIFY(w.controller()->comparison());
    const ui::PreviewResult* p = panel->grid()->preview();
    QCOMPARE(p->pinnedLabel, QStringLiteral("int8"));
    QVERIFY(!p->samples[0].pinned.isNull() && !p->samples[0].pinnedError.isNull());

    // current - A, paired per image, as core computes it.
    const ui::EvaluatedConfig* a = w.controller()->configs()->find(QStringLiteral("int8"));
    const ui::EvaluatedConfig* cur = w.controller()->configs()->find(QStringLiteral("int2"));
    QVERIFY(a && cur && a->perImage && cur->perImage);
    const PairedDeltas d = pairedDeltas(*a->perImage, *cur->perImage);
    const ui::Comparison* c = w.controller()->comparison();
    QCOMPARE(c->mse.estimate.mean, d.mse.estimate.mean);
    QCOMPARE(c->mse.estimate.lo, d.mse.estimate.lo);
    QCOMPARE(c->n, qint64(96));
    QVERIFY(c->mse.significant);
    QVERIFY2(w.metricsPanel()->text().contains("current − A"), qPrintable(w.metricsPanel()->text()));
    QVERIFY(!test::screenshot(&w, "reconstructions-pinned").isEmpty());
    QTest::mouseClick(panel->unpinButton(), Qt::LeftButton);
    QVERIFY(test::waitSettled(w));
    QVERIFY(panel->grid()->preview()->pinnedLabel.isEmpty());
}

void TestReconstructionPanel::lockedScale() {
    ui::MainWindow& w = *m_window;
    ui::ReconstructionPanel* panel = w.reconstructionPanel();
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    slider->setValue(9);
    QVERIFY(test::waitSettled(w));
    const double scale = panel->legend()->scale();
    QVERIFY(scale > 0);
    auto* lock = panel->findChild<QCheckBox*>();
    QVERIFY(lock);
    lock->setChecked(true);
    slider->setValue(3);
    QVERIFY(test::waitSettled(w));
    QCOMPARE(static_cast<float>(panel->legend()->scale()), static_cast<float>(scale));
    lock->setChecked(false);
    QVERIFY(test::waitSettled(w));
    QVERIFY(panel->legend()->scale() < scale);  // INT8's own errors are smaller than INT2's
}

QTEST_MAIN(TestReconstructionPanel)
#include "tst_reconstructionpanel.moc"
