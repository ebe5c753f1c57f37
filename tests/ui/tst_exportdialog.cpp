// SPDX-License-Identifier: Apache-2.0
// File → Export for Jetson…: the live deployment check follows the sliders (dialog and
// Warnings panel), the dialog writes a package `verifyPackage` passes whose manifest metrics
// equal what the studio showed, a PCA k=8 export names its latent choice in the provenance,
// and Cancel (the worker held at a stage) leaves nothing at the destination.
#include "studiofixture.h"
#include "testsupport.h"

#include "controls/controlspanel.h"
#include "export/exportcontroller.h"
#include "export/exportdialog.h"
#include "export/exportreportview.h"
#include "jobs/workergate.h"
#include "latent/corelatentprovider.h"
#include "mainwindow.h"
#include "metrics/metricspanel.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include "export/exporthooks.h"
#include "export/packageverifier.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace pareto;

namespace {

constexpr qint64 kImages = 48;

QJsonObject readManifest(const QString& dir) {
    QFile f(QDir(dir).filePath("manifest.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

ui::ExportDialog* openDialog(ui::MainWindow& w) {
    QAction* action = w.findChild<QAction*>("exportJetsonAction");
    if (!action || !action->isEnabled()) return nullptr;
    action->trigger();
    return w.exportController()->dialog();
}

}  // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void liveCheckFollowsTheSliders();
    void exportVerifiesAndMatchesTheStudio();
    void pcaExportNamesTheLatentChoice();
    void cancelLeavesNothing();
};

void TestExportDialog::liveCheckFollowsTheSliders() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    const QString board = QStringLiteral("Jetson Orin Nano 8 GB");
    QStringList live = w.warningsPanel()->liveMessages(board);
    QVERIFY2(!live.isEmpty() && live.join('\n').contains("int8: fits Jetson Orin Nano 8 GB"), qPrintable(live.join('\n')));
    // INT4 per channel: sub-8-bit Conv weights are stored packed and dequantized at load.
    QSlider* bits = w.controlsPanel()->bitWidthSlider();
    bits->setFocus();
    for (int i = 0; i < 4; ++i) QTest::keyClick(bits, Qt::Key_Right);
    QCOMPARE(QString::fromStdString(w.controlsPanel()->scheme().toString()), QStringLiteral("int4"));
    live = w.warningsPanel()->liveMessages(board);
    QVERIFY2(live.join('\n').contains("int4: fits") && live.join('\n').contains("int4: TensorRT: "), qPrintable(live.join('\n')));
    QVERIFY(!live.join('\n').contains("int8:"));  // replaced, not appended
    QVERIFY(test::waitSettled(w));

    ui::ExportDialog* d = openDialog(w);
    QVERIFY(d && d->isVisible());
    // The suggested destination names the configuration and follows the sliders until edited.
    QVERIFY2(d->destinationBox()->text().endsWith("tinyvae-fmnist-l16-int4"), qPrintable(d->destinationBox()->text()));
    QTest::keyClick(bits, Qt::Key_Right);
    QTRY_VERIFY2(d->destinationBox()->text().endsWith("tinyvae-fmnist-l16-int3"), qPrintable(d->destinationBox()->text()));
    d->destinationBox()->setText(QStringLiteral("/tmp/my-package"));
    QTest::keyClick(bits, Qt::Key_Left);
    QCOMPARE(QString::fromStdString(w.controlsPanel()->scheme().toString()), QStringLiteral("int4"));
    QCOMPARE(d->destinationBox()->text(), QStringLiteral("/tmp/my-package"));
    QVERIFY(test::waitSettled(w));
    QVERIFY2(d->checkText().contains("Jetson Orin Nano 8 GB") && d->checkText().contains("TensorRT"), qPrintable(d->checkText()));
    // The files it will write, and the ONNX findings: INT4 on Conv layers is stored as FP16 + Cast, named.
    QVERIFY2(d->checkText().contains("model.onnx, encoder.onnx, decoder.onnx") && d->checkText().contains("verify_trt.py"), qPrintable(d->checkText()));
    QVERIFY2(d->checkText().contains("onnx: INT4 on Conv: TensorRT runs INT4 only as weight-only Gemm/MatMul") &&
                 d->checkText().contains("encoder.0.depthwise.weight"),
             qPrintable(d->checkText()));
    // The Jetson Nano (Maxwell, TensorRT 8.2) has no INT8: the check says so as soon as it is chosen.
    d->targetBox()->setFocus();
    QTest::keyClick(d->targetBox(), Qt::Key_Home);
    QCOMPARE(d->targetBox()->currentData().toString(), QStringLiteral("jetson-nano-4gb"));
    QVERIFY2(d->checkText().contains("Jetson Nano 4 GB"), qPrintable(d->checkText()));
    QCOMPARE(w.exportController()->options().target, QStringLiteral("jetson-nano-4gb"));
    QVERIFY(!w.warningsPanel()->liveMessages("Jetson Nano 4 GB").isEmpty());
    QVERIFY(w.warningsPanel()->liveMessages(board).isEmpty());
    QVERIFY(!test::screenshot(d, "export-dialog-check").isEmpty());
    d->targetBox()->setCurrentIndex(d->targetBox()->findData("orin-nano-8gb"));
    d->close();
}

void TestExportDialog::exportVerifiesAndMatchesTheStudio() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    // INT4 group-64, the example.
    QSlider* bits = w.controlsPanel()->bitWidthSlider();
    bits->setFocus();
    for (int i = 0; i < 4; ++i) QTest::keyClick(bits, Qt::Key_Right);
    QComboBox* granularity = w.controlsPanel()->granularityBox();
    granularity->setCurrentIndex(granularity->findData(static_cast<int>(Granularity::Group)));
    QCOMPARE(QString::fromStdString(w.controlsPanel()->scheme().toString()), QStringLiteral("int4-g64"));
    QVERIFY(test::waitSettled(w));
    const Estimate shown = w.metricsPanel()->shownMse();

    ui::ExportDialog* d = openDialog(w);
    QVERIFY(d);
    QTemporaryDir dir;
    const QString dest = dir.filePath("tinyvae-int4-g64");
    d->destinationBox()->setText(dest);
    d->tarBox()->setChecked(true);
    QVERIFY(d->exportButton()->isEnabled());
    QSignalSpy ended(d, &ui::ExportDialog::exportEnded);
    QTest::mouseClick(d->exportButton(), Qt::LeftButton);
    QVERIFY(ended.wait(180000));
    QVERIFY2(ended.first().at(0).toBool(), qPrintable(ended.first().at(1).toString() + d->report()->toPlainText()));
    QVERIFY(d->report()->passed());
    const QString report = d->report()->toPlainText();
    for (const char* s : {"PASS", "weights.safetensors", "model.pt", "manifest.json", "golden", "MSE", "n = 48", "tolerance"})
        QVERIFY2(report.contains(s), s);
    QVERIFY(QFile::exists(dest + ".tar.gz"));

    // The package verifies from disk, and its metrics are the ones the studio showed.
    auto v = verifyPackage(dest.toStdString());
    QVERIFY(v.ok());
    QVERIFY2(v->passed, v->failures.empty() ? "" : v->failures.front().c_str());
    const QJsonObject m = readManifest(dest);
    const QJsonObject mse = m["metrics"].toObject()["compressed"].toObject()["mse"].toObject();
    QCOMPARE(mse["mean"].toDouble(), shown.mean);
    QCOMPARE(mse["ci95"].toArray()[0].toDouble(), shown.lo);
    QCOMPARE(mse["ci95"].toArray()[1].toDouble(), shown.hi);
    QCOMPARE(mse["n"].toInteger(), kImages);
    QCOMPARE(m["configuration"].toObject()["scheme"].toString(), QStringLiteral("int4-g64"));
    QCOMPARE(m["target"].toObject()["profile"].toObject()["id"].toString(), QStringLiteral("orin-nano-8gb"));
    QVERIFY(m["source"].toObject()["provenance"].toString().startsWith("loaded from"));
    QVERIFY(w.warningsPanel()->messages().join('\n').contains("package written and verified from disk (PASS)"));
    QVERIFY(!test::screenshot(d, "export-dialog-report").isEmpty());

    // Exporting again to the same folder is refused without "replace".
    ended.clear();
    QVERIFY(!d->startExport());
    QVERIFY(d->statusText().contains("exists"));
}

void TestExportDialog::pcaExportNamesTheLatentChoice() {
    ui::MainWindow w;
    w.latentProvider()->setUseDemoCatalog(false);
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    QTRY_VERIFY_WITH_TIMEOUT(w.latentProvider()->statistics(), 60000);
    w.controlsPanel()->latentMethodBox()->setFocus();
    QTest::keyClick(w.controlsPanel()->latentMethodBox(), Qt::Key_Down);
    QSlider* k = w.controlsPanel()->latentSlider();
    k->setFocus();
    for (int i = 0; i < 8; ++i) QTest::keyClick(k, Qt::Key_Left);
    QCOMPARE(w.controller()->currentConfig().key(), QStringLiteral("pca-k8|int8"));
    QVERIFY(test::waitSettled(w));
    const Estimate shown = w.metricsPanel()->shownMse();
    ui::ExportDialog* d = openDialog(w);
    QVERIFY(d);
    QTemporaryDir dir;
    const QString dest = dir.filePath("pca8");
    d->destinationBox()->setText(dest);
    QSignalSpy ended(d, &ui::ExportDialog::exportEnded);
    QVERIFY(d->startExport());
    QVERIFY(ended.wait(180000));
    QVERIFY2(ended.first().at(0).toBool(), qPrintable(ended.first().at(1).toString()));
    auto v = verifyPackage(dest.toStdString());
    QVERIFY(v.ok() && v->passed);
    const QJsonObject m = readManifest(dest);
    const QString provenance = m["source"].toObject()["provenance"].toString();
    QVERIFY2(provenance.startsWith("PCA latent reduction 16 -> 8") && provenance.contains("keeps"), qPrintable(provenance));
    QCOMPARE(m["architecture"].toObject()["latent_dim"].toInt(), 8);
    QCOMPARE(m["metrics"].toObject()["compressed"].toObject()["mse"].toObject()["mean"].toDouble(), shown.mean);
    // The comparison the user made: the opened L = 16 model is the reference, with the paired delta.
    const QJsonObject metrics = m["metrics"].toObject();
    QVERIFY2(metrics.contains("reference") && metrics.contains("delta_compressed_vs_reference"), qPrintable(QJsonDocument(metrics).toJson()));
    const QJsonObject refMse = metrics["reference"].toObject()["mse"].toObject();
    QVERIFY(refMse["mean"].toDouble() > 0.0);
    QVERIFY2(refMse["mean"].toDouble() < shown.mean, "PCA k=8 is worse than the L = 16 model it came from");
}

void TestExportDialog::cancelLeavesNothing() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    auto gate = std::make_shared<ui::WorkerGate>();
    const std::vector<std::string>& stages = exportStages();
    const int writeModel = static_cast<int>(std::find(stages.begin(), stages.end(), "write-model") - stages.begin());
    gate->holdAt(writeModel);
    ExportHooks hooks;
    hooks.atStage = [gate, stages](const std::string& stage) -> Status {
        gate->pass(static_cast<int>(std::find(stages.begin(), stages.end(), stage) - stages.begin()));
        return Status::success();
    };
    w.exportController()->job()->setHooks(hooks);
    ui::ExportDialog* d = openDialog(w);
    QVERIFY(d);
    QTemporaryDir dir;
    const QString dest = dir.filePath("cancelled");
    d->destinationBox()->setText(dest);
    QSignalSpy ended(d, &ui::ExportDialog::exportEnded);
    QTest::mouseClick(d->exportButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(gate->waiting(), 120000);
    QCOMPARE(gate->waitingStep(), writeModel);
    QVERIFY(d->cancelButton()->isVisible() && d->cancelButton()->isEnabled());
    QTest::mouseClick(d->cancelButton(), Qt::LeftButton);
    gate->release();
    QVERIFY(ended.wait(60000));
    QVERIFY(!ended.first().at(0).toBool());
    QVERIFY(!QFileInfo::exists(dest));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    QVERIFY(d->report()->toPlainText().contains("Export cancelled"));
    QVERIFY(w.warningsPanel()->messages().join('\n').contains("export cancelled; nothing written at the destination"));
    QVERIFY(d->exportButton()->isEnabled());
    QVERIFY(!test::screenshot(d, "export-dialog-cancelled").isEmpty());
}

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
