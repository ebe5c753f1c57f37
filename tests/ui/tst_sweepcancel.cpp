// SPDX-License-Identifier: Apache-2.0
// Cancel stops a sweep: the worker is held at a gate before its third row, Cancel in the
// status bar is pressed, the gate opens, and the rows measured before the cancel come back
// (fewer than the grid) while the window keeps working.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/qualitychart.h"
#include "controls/controlspanel.h"
#include "jobs/jobprogresswidget.h"
#include "jobs/sweepjob.h"
#include "jobs/workergate.h"
#include "mainwindow.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include <memory>

using namespace pareto;

class TestSweepCancel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void cancelKeepsFinishedRows();
};

void TestSweepCancel::cancelKeepsFinishedRows() {
    ui::MainWindow w;
    w.show();
    QVERIFY(test::openDemo(w, 64));
    auto gate = std::make_shared<ui::WorkerGate>();
    gate->holdAt(2);
    w.controller()->sweepJob()->setGate(gate);
    const int grid = static_cast<int>(w.chartsPanel()->sweepGrid().size());
    QVERIFY(grid > 3);
    const int before = w.controller()->configs()->size();  // FP32 and the slider's INT8

    QSignalSpy ended(w.controller(), &ui::StudioController::sweepEnded);
    QTest::mouseClick(w.chartsPanel()->sweepButton(), Qt::LeftButton);
    QVERIFY(w.controller()->sweepRunning());
    // Two rows are measured, then the worker waits at the gate before the third.
    QTRY_VERIFY_WITH_TIMEOUT(gate->waiting(), 60000);
    QCOMPARE(gate->waitingStep(), 2);
    QTRY_COMPARE(w.controller()->configs()->size(), before + 2 - 1);  // fp16 is new, int8 was measured
    QVERIFY(w.jobProgress()->isVisible());
    QVERIFY(!test::screenshot(&w, "sweep-held-at-gate").isEmpty());

    QTest::mouseClick(w.jobProgress()->cancelButton(), Qt::LeftButton);
    gate->release();
    QVERIFY(ended.wait(60000));
    const QList<QVariant> args = ended.takeFirst();
    const int rows = args.at(0).toInt(), planned = args.at(1).toInt();
    QVERIFY(args.at(2).toBool());
    QCOMPARE(planned, grid);
    QCOMPARE(rows, 2);
    QVERIFY(rows < planned);
    QVERIFY(!w.controller()->sweepRunning());
    QVERIFY(!w.jobProgress()->isActive(QStringLiteral("sweep")));  // other jobs (PCA statistics) may still run
    QVERIFY2(w.warningsPanel()->messages().join('\n').contains("cancelled after 2 of"), qPrintable(w.warningsPanel()->messages().join('\n')));

    // Still responsive: a new slider position is previewed and measured.
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    slider->setValue(slider->value() + 3);
    QVERIFY(test::waitSettled(w));
    QCOMPARE(w.controller()->configs()->size(), before + 2 - 1 + 1);
}

QTEST_MAIN(TestSweepCancel)
#include "tst_sweepcancel.moc"
