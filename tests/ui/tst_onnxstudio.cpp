// SPDX-License-Identifier: Apache-2.0
// The studio opens ONNX models exported by real PyTorch (tests/fixtures/onnx_make_models.py)
// offscreen, the three ways a person does: File → Open (the file dialog offers *.onnx), drag and
// drop, and the recent files menu. Each shows its reconstructions at the model's resolution,
// paints an INT4 preview, and offers the latent slider for a pair or disables it with the reason
// for a single file; a graph OpenCV cannot run lands in Warnings as one line naming the node.
#include "studiofixture.h"
#include "testsupport.h"

#include "controls/bitwidthstops.h"
#include "controls/controlspanel.h"
#include "controls/latentcontrols.h"
#include "mainwindow.h"
#include "model/modelpanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

using namespace pareto;

namespace {

QString fixture(const QString& name) { return QDir(test::onnxModels()).filePath(name); }

void drop(ui::MainWindow& w, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at(w.width() / 2, w.height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &dropEvent);
}

QAction* fileOpenAction(ui::MainWindow& w) {
    for (QAction* menu : w.menuBar()->actions())
        if (menu->menu())
            for (QAction* a : menu->menu()->actions())
                if (a->shortcut() == QKeySequence(QKeySequence::Open)) return a;
    return nullptr;
}

// File → Open as a person uses it: the dialog comes up, its filter lists ONNX, the path is typed
// into the file name box and Open pressed. A message box instead (file not found) is closed and
// reported, so the test fails rather than waits.
void openThroughDialog(ui::MainWindow& w, const QString& path, QStringList* filters, QString* problem) {
    QTimer poll;
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        QWidget* modal = QApplication::activeModalWidget();
        if (auto* box = qobject_cast<QMessageBox*>(modal)) {
            *problem = box->text();
            box->reject();
            return;
        }
        auto* dialog = qobject_cast<QFileDialog*>(modal);
        if (!dialog || !dialog->isVisible()) return;
        *filters = dialog->nameFilters();
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        auto* buttons = dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"));
        if (!name || !buttons || !buttons->button(QDialogButtonBox::Open)) {
            *problem = QStringLiteral("the file dialog has no file name box or Open button");
            dialog->reject();
            return;
        }
        name->setText(path);
        buttons->button(QDialogButtonBox::Open)->click();
    });
    poll.start();
    QAction* open = fileOpenAction(w);
    QVERIFY(open);
    open->trigger();  // returns once the dialog is closed
}

}  // namespace

class TestOnnxStudio : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void opens_data();
    void opens();
    void graphOpenCvCannotRunGoesToWarnings();
};

void TestOnnxStudio::init() {
    test::isolateSettings();  // every row starts without recent files
    QVERIFY2(QFile::exists(fixture("rgb32.onnx")), "fixture_onnx_models has not run");
}

void TestOnnxStudio::opens_data() {
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<bool>("latent");
    QTest::newRow("File → Open: forward-only RGB 3x32x32") << "dialog" << "rgb32.onnx" << "3x32x32" << false;
    QTest::newRow("drag and drop: pair through its encoder, BatchNorm + ConvTranspose") << "drop" << "vae28.encoder.onnx" << "1x28x28" << true;
    QTest::newRow("recent files: pair with a spatial latent through its decoder") << "recent" << "spatial64.decoder.onnx" << "3x64x64" << true;
    QTest::newRow("drag and drop: one file 1x28x28") << "drop" << "ae28.onnx" << "1x28x28" << false;
}

void TestOnnxStudio::opens() {
    QFETCH(QString, how);
    QFETCH(QString, file);
    QFETCH(QString, shape);
    QFETCH(bool, latent);
    const QString path = QFileInfo(fixture(file)).absoluteFilePath();
    if (how == "recent") QSettings().setValue("recentFiles", QStringList{path});

    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 16));  // the held-out images the model is opened on
    if (how == "dialog") {
        QStringList filters;
        QString problem;
        openThroughDialog(w, path, &filters, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(filters.join(';').contains("*.onnx"), qPrintable(filters.join(';')));
    } else if (how == "drop") {
        drop(w, path);
    } else {
        auto* open = w.modelPanel()->findChild<QToolButton*>("openModelButton");
        QVERIFY(open && open->menu());
        QAction* recent = nullptr;
        for (QAction* a : open->menu()->actions())
            if (a->data().toString() == path) recent = a;
        QVERIFY2(recent, "the recent files menu lists the ONNX file");
        recent->trigger();
    }
    QVERIFY(QTest::qWaitFor(
        [&] { return w.controller()->session() && w.controller()->session()->info.modelPath.endsWith(file) && w.controller()->isSettled(); },
        180000));
    const ui::SessionInfo& info = w.controller()->session()->info;
    QCOMPARE(info.arch, QStringLiteral("onnx"));
    QCOMPARE(info.inputShape, shape);
    QVERIFY2(w.modelPanel()->text().contains(shape), qPrintable(w.modelPanel()->text()));
    // What the graph is: its opset, ops and quantizable layers.
    QVERIFY2(w.modelPanel()->text().contains("ONNX opset") && w.modelPanel()->text().contains("quantizable layers"),
             qPrintable(w.modelPanel()->text()));
    // Remembered for next time.
    QVERIFY(QSettings().value("recentFiles").toStringList().contains(path));

    // Reconstructions at the model's own resolution; the bit-width slider paints an INT4 preview.
    const ui::PreviewResult* p8 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p8 && !p8->samples.isEmpty());
    const QStringList dims = shape.split('x');
    QCOMPARE(p8->samples[0].compressed.width(), dims[2].toInt());
    QCOMPARE(p8->samples[0].compressed.height(), dims[1].toInt());
    const QImage int8 = p8->samples[0].compressed;
    int int4 = -1;
    for (int i = 0; i < ui::bitWidthStops().size(); ++i)
        if (ui::bitWidthStops().at(i).label == QStringLiteral("INT4")) int4 = i;
    QVERIFY(int4 >= 0);
    w.controlsPanel()->bitWidthSlider()->setValue(int4);
    QVERIFY(test::waitSettled(w, 180000));
    const ui::PreviewResult* p4 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p4);
    QVERIFY(QString::fromStdString(p4->config.scheme.toString()).startsWith(QStringLiteral("int4")));
    QVERIFY2(p4->samples[0].compressed != int8, "INT4 preview has the same pixels as INT8");
    QVERIFY(w.controller()->previewError().isEmpty());

    // The latent slider: a projection between a pair's files; off with the reason for one file.
    ui::LatentControls* lc = w.controlsPanel()->latentControls();
    if (!latent) {
        QVERIFY(!lc->slider()->isEnabled());
        QVERIFY2(lc->descriptionText().contains(QStringLiteral("forward-only")), qPrintable(lc->descriptionText()));
        QVERIFY2(lc->slider()->toolTip().contains(QStringLiteral("encoder.onnx")), qPrintable(lc->slider()->toolTip()));
    } else {
        QVERIFY2(!lc->descriptionText().contains(QStringLiteral("slider is off")), qPrintable(lc->descriptionText()));
    }
    QVERIFY(!lc->distillButton()->isEnabled());  // an ONNX graph is not trainable here
    QVERIFY(!test::screenshot(&w, "onnx-" + QFileInfo(file).completeBaseName()).isEmpty());
}

void TestOnnxStudio::graphOpenCvCannotRunGoesToWarnings() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 16));
    const auto before = w.controller()->session();
    drop(w, fixture("unsupported.onnx"));
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isLoading(), 60000);
    const QStringList warnings = w.warningsPanel()->messages().filter("unsupported.onnx");
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings[0].contains("GridSample") && warnings[0].contains("opset 16") && !warnings[0].contains('\n'), qPrintable(warnings[0]));
    QVERIFY(w.controller()->session() == before);  // the open model stays
}

QTEST_MAIN(TestOnnxStudio)
#include "tst_onnxstudio.moc"
