// The studio window, offscreen: opens the embedded demo with every panel filled; a corrupt
// checkpoint dropped on the window lands in the Warnings panel (no dialog) and the open
// model keeps working.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/qualitychart.h"
#include "controls/controlspanel.h"
#include "data/datapanel.h"
#include "mainwindow.h"
#include "metrics/metricspanel.h"
#include "model/modelpanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void opensDemoWithEveryPanel();
    void corruptCheckpointGoesToWarnings();
    void corruptCheckpointBeforeAnyModel();

private:
    static QString writeCorrupt(const QTemporaryDir& dir);
    static void drop(ui::MainWindow& w, const QString& path);
};

QString TestMainWindow::writeCorrupt(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("broken.pt"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write("PK\x03\x04 this is not really a zip archive");
    return path;
}

void TestMainWindow::drop(ui::MainWindow& w, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at(w.width() / 2, w.height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &dropEvent);
}

void TestMainWindow::opensDemoWithEveryPanel() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 200));
    const QString model = w.modelPanel()->text();
    QVERIFY2(model.contains("tinyvae") && model.contains("227,") && model.contains("n = 200"), qPrintable(model));
    QVERIFY2(!model.contains("Untrained"), qPrintable(model));
    QVERIFY2(w.dataPanel()->text().contains("n = 200"), qPrintable(w.dataPanel()->text()));
    // The first configuration (INT8) is previewed and measured on every held-out image.
    QCOMPARE(w.controller()->currentConfig().scheme.toString(), std::string("int8"));
    QVERIFY(w.metricsPanel()->shownComplete());
    QVERIFY2(w.metricsPanel()->text().contains("n = 200"), qPrintable(w.metricsPanel()->text()));
    const ui::PreviewResult* p = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p);
    QCOMPARE(p->samples.size(), 8);
    QVERIFY(!p->samples[0].error.isNull());
    // FP32 (measured at load) and INT8 are on the chart.
    QCOMPARE(w.chartsPanel()->qualityChart()->pointCount(), 2);
    QVERIFY(!test::screenshot(&w, "mainwindow-demo").isEmpty());
}

void TestMainWindow::corruptCheckpointGoesToWarnings() {
    QTemporaryDir dir;
    const QString broken = writeCorrupt(dir);
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 100));
    const auto sessionBefore = w.controller()->session();

    drop(w, broken);
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isLoading(), 60000);
    const QStringList warnings = w.warningsPanel()->messages();
    QVERIFY2(warnings.filter("broken.pt").size() == 1, qPrintable(warnings.join('\n')));
    QVERIFY2(w.modelPanel()->text().contains("see Warnings"), qPrintable(w.modelPanel()->text()));
    // The demo is still the open model and still responds to the slider.
    QVERIFY(w.controller()->session() == sessionBefore);
    QVERIFY2(w.modelPanel()->text().contains("tinyvae-fmnist-l16"), qPrintable(w.modelPanel()->text()));
    QVERIFY(!test::screenshot(&w, "mainwindow-error").isEmpty());
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    const QImage before = w.reconstructionPanel()->grid()->preview()->samples[0].compressed;
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_End);  // ternary
    QVERIFY(test::waitSettled(w));
    QCOMPARE(w.controller()->currentConfig().scheme.kind, QuantKind::Ternary);
    QVERIFY(w.reconstructionPanel()->grid()->preview()->samples[0].compressed != before);
}

void TestMainWindow::corruptCheckpointBeforeAnyModel() {
    QTemporaryDir dir;
    const QString broken = writeCorrupt(dir);
    ui::MainWindow w;
    w.show();
    w.openModel(broken, test::demoSpec(), 50);
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isLoading(), 60000);
    QVERIFY(!w.controller()->session());
    QVERIFY2(w.warningsPanel()->messages().join('\n').contains("broken.pt"), qPrintable(w.warningsPanel()->messages().join('\n')));
    // Then the demo opens normally.
    QVERIFY(test::openDemo(w, 50));
    QVERIFY(w.modelPanel()->text().contains("tinyvae"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
