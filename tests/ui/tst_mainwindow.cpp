// The studio window, offscreen: opens the embedded demo and shows its measured numbers;
// a broken checkpoint shows its error and the window keeps working.
#include "mainwindow.h"
#include "model/modelsummarypanel.h"

#include "testsupport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensDemo();
    void brokenCheckpointShowsError();
};

void TestMainWindow::opensDemo() {
    ui::MainWindow w;
    w.show();
    QSignalSpy settled(&w, &ui::MainWindow::modelSettled);
    w.openModel(test::resource("demo/tinyvae-fmnist-l16.safetensors"),
                "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), 200);
    QVERIFY(settled.wait(120000));
    const QString text = w.summaryPanel()->text();
    QVERIFY2(text.contains("MSE") && text.contains("n = 200"), qPrintable(text));
    QVERIFY2(!text.contains("Untrained"), qPrintable(text));
    QVERIFY(w.grab().save(test::artifactsDir() + "/mainwindow-demo.png"));
}

void TestMainWindow::brokenCheckpointShowsError() {
    QTemporaryDir dir;
    const QString path = dir.filePath("broken.pt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("PK\x03\x04 this is not really a zip archive");
    f.close();

    ui::MainWindow w;
    w.show();
    QSignalSpy settled(&w, &ui::MainWindow::modelSettled);
    w.openModel(path, "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), 50);
    QVERIFY(settled.wait(60000));
    QVERIFY2(w.summaryPanel()->text().contains("broken.pt"), qPrintable(w.summaryPanel()->text()));
    QVERIFY(w.grab().save(test::artifactsDir() + "/mainwindow-error.png"));

    // Still usable: the demo opens afterwards.
    w.openModel(test::resource("demo/tinyvae-fmnist-l16.safetensors"),
                "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), 50);
    QVERIFY(settled.wait(120000));
    QVERIFY(w.summaryPanel()->text().contains("MSE"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
