// SPDX-License-Identifier: Apache-2.0
// The stakeholder report: one action writes a one-page PNG and a PDF with the chosen
// configuration, its numbers with CIs and n, the chart and a few reconstructions; it waits
// for complete figures rather than printing running ones.
#include "studiofixture.h"
#include "testsupport.h"

#include "controls/controlspanel.h"
#include "mainwindow.h"
#include "report/reportwriter.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include <QFile>
#include <QImage>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void writesPngAndPdf();
};

void TestReport::writesPngAndPdf() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 64));
    w.controlsPanel()->bitWidthSlider()->setValue(7);  // INT4
    // Before the held-out figures are complete there is no report.
    const ui::ReportWriter early(*w.controller(), ui::Metric::Mse);
    QVERIFY(!early.ready());
    QVERIFY(test::waitSettled(w));

    QTemporaryDir dir;
    const QString base = dir.filePath("report");
    QCOMPARE(w.writeReport(base), QString());
    QImage png(base + ".png");
    QVERIFY(!png.isNull());
    QCOMPARE(png.size(), QSize(1754, 1240));  // A4 landscape at 150 dpi
    QFile pdf(base + ".pdf");
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdf.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.size() > 10000);
    QVERIFY(png.save(test::artifactsDir() + "/report-int4.png"));
    QFile::remove(test::artifactsDir() + "/report-int4.pdf");
    QVERIFY(QFile::copy(base + ".pdf", test::artifactsDir() + "/report-int4.pdf"));
    // An unwritable place is an error in the Warnings panel, not a dialog.
    const QString err = w.writeReport(dir.filePath("missing/dir/report"));
    QVERIFY2(err.contains("missing/dir/report.png"), qPrintable(err));
    QVERIFY(w.warningsPanel()->messages().join('\n').contains("missing/dir/report.png"));
}

QTEST_MAIN(TestReport)
#include "tst_report.moc"
