// SPDX-License-Identifier: Apache-2.0
// Any screen from 1024x700 up: after a sweep and a latent x bits grid, at 1024x700 and at
// 1600x1000, no visible label is cut (a line wider than its label, or wrapped text taller
// than it), no chart text is elided, and no two point labels of the quality chart overlap
// or leave its plot area. The default window size fits the screen; View → Reset layout
// brings every panel back.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/latentgridpanel.h"
#include "charts/qualitychart.h"
#include "latent/corelatentprovider.h"
#include "layout/windowlayout.h"
#include "mainwindow.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "session/studiocontroller.h"

#include <QAction>
#include <QChartView>
#include <QDockWidget>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTextDocument>
#include <QtTest>

using namespace pareto;

namespace {

constexpr int kLong = 300000;

void settleLayout() {
    for (int i = 0; i < 4; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
    }
}

QString plainText(const QLabel* l) {
    if (l->textFormat() == Qt::PlainText || (l->textFormat() == Qt::AutoText && !Qt::mightBeRichText(l->text()))) return l->text();
    QTextDocument d;
    d.setHtml(l->text());
    return d.toPlainText();
}

/// Labels whose text does not fit them, with why.
QStringList cutLabels(QWidget* root) {
    QStringList out;
    for (QLabel* l : root->findChildren<QLabel*>()) {
        // Shown now (a dock behind another's tab is not).
        if (!l->isVisible() || l->visibleRegion().isEmpty() || l->text().isEmpty() || !l->pixmap().isNull()) continue;
        // Inside a scroll area a label may be out of view; only its own box counts.
        const QRect box = l->contentsRect();
        if (box.width() <= 0) continue;
        if (l->wordWrap()) {
            const int need = l->heightForWidth(l->width());
            if (need > l->height() + 1) out << QStringLiteral("%1: needs %2 px, has %3: %4").arg(l->objectName()).arg(need).arg(l->height()).arg(plainText(l).left(80));
            continue;
        }
        const QFontMetrics fm(l->font());
        for (const QString& line : plainText(l).split(QLatin1Char('\n'))) {
            const int need = fm.horizontalAdvance(line);
            if (need > box.width() + 1)
                out << QStringLiteral("%1: %2 px wide in %3: %4").arg(l->objectName()).arg(need).arg(box.width()).arg(line.left(80));
        }
    }
    return out;
}

/// Chart texts Qt Charts shortened ("..." or "…").
QStringList elidedChartTexts(QWidget* root) {
    QStringList out;
    for (QChartView* v : root->findChildren<QChartView*>()) {
        if (!v->isVisible() || !v->scene()) continue;
        for (QGraphicsItem* item : v->scene()->items()) {
            if (!item->isVisible()) continue;
            QString text;
            if (auto* t = dynamic_cast<QGraphicsTextItem*>(item)) text = t->toPlainText();
            else if (auto* s = dynamic_cast<QGraphicsSimpleTextItem*>(item)) text = s->text();
            if (text.endsWith(QStringLiteral("...")) || text.endsWith(QChar(0x2026))) out << text;
        }
    }
    return out;
}

}  // namespace

class TestLayoutWalk : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_window.reset(); }
    void defaultSizeFitsScreen_data();
    void defaultSizeFitsScreen();
    void nothingCutAfterSweepAndGrid_data();
    void nothingCutAfterSweepAndGrid();
    void resetLayoutShowsEveryPanel();

private:
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestLayoutWalk::initTestCase() {
    test::isolateSettings();
    m_window = std::make_unique<ui::MainWindow>();
    ui::MainWindow& w = *m_window;
    w.latentProvider()->setUseDemoCatalog(true);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(test::openDemo(w, 32));
    QTRY_VERIFY_WITH_TIMEOUT(w.latentProvider()->statistics() && w.latentProvider()->catalogReady(), kLong);
    QSignalSpy swept(w.controller(), &ui::StudioController::sweepEnded);
    QVERIFY(w.controller()->runSweep(w.chartsPanel()->sweepGrid()));
    QVERIFY(swept.wait(kLong));
    QSignalSpy gridDone(w.latentGridPanel()->job(), &ui::LatentGridJob::finished);
    QVERIFY(w.latentGridPanel()->run());
    QVERIFY(gridDone.wait(kLong));
    QVERIFY(test::waitSettled(w, kLong));
    w.chartsPanel()->showView(w.chartsPanel()->qualityPage());
}

void TestLayoutWalk::defaultSizeFitsScreen_data() {
    QTest::addColumn<QSize>("screen");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("1024x700: all of it") << QSize(1024, 700) << QSize(1024, 700);
    QTest::newRow("1366x768: all of it") << QSize(1366, 768) << QSize(1366, 768);
    QTest::newRow("1600x1000: all of it") << QSize(1600, 1000) << QSize(1600, 1000);
    QTest::newRow("1920x1080: 1728x1020") << QSize(1920, 1080) << QSize(1728, 1020);
    QTest::newRow("2560x1440: nine tenths") << QSize(2560, 1440) << QSize(2304, 1296);
}

void TestLayoutWalk::defaultSizeFitsScreen() {
    QFETCH(QSize, screen);
    QFETCH(QSize, expected);
    const QSize s = ui::WindowLayout::defaultSize(screen);
    QCOMPARE(s, expected);
    QVERIFY(s.width() <= screen.width() && s.height() <= screen.height());
}

void TestLayoutWalk::nothingCutAfterSweepAndGrid_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("1024x700") << QSize(1024, 700);
    QTest::newRow("1600x1000") << QSize(1600, 1000);
}

void TestLayoutWalk::nothingCutAfterSweepAndGrid() {
    QFETCH(QSize, size);
    ui::MainWindow& w = *m_window;
    w.resize(size);
    settleLayout();
    QVERIFY(test::waitSettled(w, kLong));
    settleLayout();
    QCOMPARE(w.size(), size);  // nothing forces the window past the screen
    const QString name = QStringLiteral("layout-%1x%2").arg(size.width()).arg(size.height());
    QVERIFY(!test::screenshot(&w, name).isEmpty());

    const QStringList cut = cutLabels(&w);
    QVERIFY2(cut.isEmpty(), qPrintable(cut.join('\n')));
    const QStringList elided = elidedChartTexts(&w);
    QVERIFY2(elided.isEmpty(), qPrintable(elided.join('\n')));
    // The chart names its front, the current point and A; no two names touch, none leaves the plot.
    ui::QualityChart* chart = w.chartsPanel()->qualityChart();
    QVERIFY(chart->height() >= chart->minimumHeight());
    // The legend line under the chart, whole and not over it.
    QVERIFY(!chart->geometry().intersects(w.chartsPanel()->legendLabel()->geometry()));
    QVERIFY(w.chartsPanel()->legendLabel()->height() >= w.chartsPanel()->legendLabel()->heightForWidth(w.chartsPanel()->legendLabel()->width()));
    const auto labels = chart->labelLayout();
    QVERIFY(!labels.isEmpty());
    const QRectF plot = chart->chart()->plotArea();
    for (int i = 0; i < labels.size(); ++i) {
        QVERIFY2(plot.contains(labels[i].first), qPrintable(labels[i].second));
        for (int j = i + 1; j < labels.size(); ++j)
            QVERIFY2(!labels[i].first.intersects(labels[j].first), qPrintable(labels[i].second + " / " + labels[j].second));
    }
    // Reconstructions: every caption fits its image.
    QVERIFY(w.reconstructionPanel()->grid()->cellSize() >= w.reconstructionPanel()->grid()->minimumCell());
}

void TestLayoutWalk::resetLayoutShowsEveryPanel() {
    ui::MainWindow& w = *m_window;
    auto docks = w.findChildren<QDockWidget*>();
    QVERIFY(docks.size() >= 4);
    for (QDockWidget* d : docks) d->hide();
    auto* reset = w.findChild<QAction*>(QStringLiteral("resetLayoutAction"));
    QVERIFY(reset);
    reset->trigger();
    settleLayout();
    for (QDockWidget* d : docks) QVERIFY2(d->isVisible(), qPrintable(d->objectName()));
}

QTEST_MAIN(TestLayoutWalk)
#include "tst_layoutwalk.moc"
