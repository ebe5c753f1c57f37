// SPDX-License-Identifier: Apache-2.0
// First launch tells the story by itself: with the automatic sweep on (the app turns it on,
// tests leave it off) the chart holds the default sweep's points without a click; a first-run
// hint says what to drag until dismissed; Help → User guide shows the README's studio section;
// a model that fails to open shows its whole message in the main area with Open… and Open
// demo, and Open demo gets the studio going again.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/qualitychart.h"
#include "help/firstrunhint.h"
#include "help/userguidedialog.h"
#include "mainwindow.h"
#include "model/openerrorview.h"
#include "session/autosweep.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "compress/schemesweep.h"

#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

using namespace pareto;

class TestFirstLaunch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void defaultSweepWithoutAClick();
    void noAutoSweepUnlessAsked();
    void hintUntilDismissed();
    void userGuideIsTheReadmeSection();
    void failedOpenInTheMainArea();
};

void TestFirstLaunch::defaultSweepWithoutAClick() {
    ui::MainWindow w;
    w.autoSweep()->setEnabled(true);
    QSignalSpy ended(w.controller(), &ui::StudioController::sweepEnded);
    w.show();
    QVERIFY(test::openDemo(w, 32));
    QVERIFY(ended.count() > 0 || ended.wait(300000));
    QCOMPARE(w.autoSweep()->started(), 1);
    const int expected = static_cast<int>(defaultSweepSchemes().size()) + 1;  // + the FP32 point
    QVERIFY(w.controller()->configs()->size() >= expected);
    QTRY_VERIFY(w.chartsPanel()->qualityChart()->pointCount() >= expected);
    QVERIFY(!w.chartsPanel()->qualityChart()->frontKeys().isEmpty());
    QVERIFY(!test::screenshot(&w, "first-launch").isEmpty());
}

void TestFirstLaunch::noAutoSweepUnlessAsked() {
    ui::MainWindow w;
    QVERIFY(!w.autoSweep()->isEnabled());
    w.show();
    QVERIFY(test::openDemo(w, 16));
    QCOMPARE(w.autoSweep()->started(), 0);
    QVERIFY(!w.controller()->sweepRunning());
}

void TestFirstLaunch::hintUntilDismissed() {
    QSettings().remove("hints/firstRunDone");
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(w.firstRunHint()->isVisible());
        QVERIFY(w.firstRunHint()->text().contains("bit-width"));
        QTest::mouseClick(w.firstRunHint()->dismissButton(), Qt::LeftButton);
        QVERIFY(!w.firstRunHint()->isVisible());
    }
    ui::MainWindow again;
    again.show();
    QVERIFY(!again.firstRunHint()->isVisible());
}

void TestFirstLaunch::userGuideIsTheReadmeSection() {
    const QString md = ui::UserGuideDialog::guideMarkdown();
    QVERIFY2(md.startsWith("## The studio"), qPrintable(md.left(80)));
    QVERIFY(md.contains("--screenshot-after"));
    QVERIFY(!md.contains("\n## The embedded demo"));
}

void TestFirstLaunch::failedOpenInTheMainArea() {
    ui::MainWindow w;
    w.show();
    QTemporaryDir dir;
    const QString bad = dir.filePath("broken.pt");
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a checkpoint at all");
    }
    w.openModel(bad, test::demoSpec(), 16);
    QTRY_VERIFY_WITH_TIMEOUT(w.showsOpenError(), 120000);
    ui::OpenErrorView* view = w.openErrorView();
    QVERIFY(view->isVisible());
    QVERIFY2(view->message().contains("broken.pt"), qPrintable(view->message()));
    QVERIFY(view->openButton()->isVisible() && view->demoButton()->isVisible());
    QVERIFY(!view->backButton()->isVisible());  // nothing open behind it
    QVERIFY(!test::screenshot(&w, "open-error").isEmpty());
    QTest::mouseClick(view->demoButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.controller()->session() && w.controller()->isSettled(), 120000);
    QVERIFY(!w.showsOpenError());
}

QTEST_MAIN(TestFirstLaunch)
#include "tst_firstlaunch.moc"
