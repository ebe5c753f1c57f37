// SPDX-License-Identifier: Apache-2.0
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

#include "latent/corelatentprovider.h"
#include "latent/latentoptions.h"

#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
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
    void recentFilesAndDataPanel();
    void latentSliderOffersEveryMethod();

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
    QTRY_COMPARE(w.chartsPanel()->qualityChart()->pointCount(), 2);
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

void TestMainWindow::recentFilesAndDataPanel() {
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("my-model.safetensors"));
    QVERIFY(QFile::copy(test::demoModel(), copy));
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 40));
    drop(w, copy);
    QTRY_VERIFY_WITH_TIMEOUT(w.controller()->session() && w.controller()->session()->info.modelPath.endsWith("my-model.safetensors"), 60000);
    QVERIFY(test::waitSettled(w));
    // The user's own file is remembered (the embedded demo is always one click away anyway).
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    QCOMPARE(recent, QStringList{QFileInfo(copy).absoluteFilePath()});
    auto* open = w.modelPanel()->findChild<QToolButton*>("openModelButton");
    QVERIFY(open && open->menu());
    QCOMPARE(open->menu()->actions().size(), 1);
    QCOMPARE(open->menu()->actions().first()->data().toString(), QFileInfo(copy).absoluteFilePath());

    // The Data panel reloads the held-out images for the open model: here the first 24.
    auto* limit = w.dataPanel()->findChild<QSpinBox*>();
    QVERIFY(limit);
    limit->setValue(24);
    QTest::mouseClick(w.dataPanel()->findChild<QPushButton*>("applyDataButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.controller()->session()->info.n == 24, 60000);
    QVERIFY(test::waitSettled(w));
    QVERIFY(w.controller()->session()->info.modelPath.endsWith("my-model.safetensors"));
    QCOMPARE(w.reconstructionPanel()->grid()->preview()->samples.size(), 8);
    QCOMPARE(w.metricsPanel()->shownMse().n, qint64(24));
}

void TestMainWindow::latentSliderOffersEveryMethod() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 40));
    // The model's own L at once; PCA once the statistics of mu are in; the demo catalog's
    // trained models (at least the demo model itself, L = 16 seed 1); distilled on demand.
    QTRY_VERIFY_WITH_TIMEOUT(w.latentProvider()->statistics() && w.latentProvider()->catalogReady(), 60000);
    const ui::LatentOptions o = w.controller()->latentOptions();
    QCOMPARE(o.originalK, 16);
    QCOMPARE(o.methods.size(), 4);
    QCOMPARE(o.methods[0].ks, QVector<int>{16});
    QCOMPARE(o.methods[1].method, ui::LatentMethod::Pca);
    QCOMPARE(o.methods[1].ks.size(), 16);
    QCOMPARE(o.methods[2].method, ui::LatentMethod::Trained);
    QVERIFY(o.methods[2].ks.contains(16));
    QVERIFY(o.seedsAt(ui::LatentMethod::Trained, 16).contains(1));
    QCOMPARE(o.methods[3].method, ui::LatentMethod::Distilled);
    QVERIFY(o.methods[3].onDemand && o.methods[3].ks.isEmpty());
    QComboBox* method = w.controlsPanel()->latentMethodBox();
    QCOMPARE(method->count(), 4);
    auto* model = qobject_cast<QStandardItemModel*>(method->model());
    for (int i = 0; i < 4; ++i) QVERIFY(model->item(i)->isEnabled());
    QCOMPARE(w.controlsPanel()->latentSlider()->maximum(), 0);
    QCOMPARE(w.controller()->currentConfig().latent.k, 16);
    QCOMPARE(w.controller()->currentConfig().key(), QStringLiteral("int8"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
