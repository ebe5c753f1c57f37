// SPDX-License-Identifier: Apache-2.0
// Help → About Pareto Studio: reachable from the window's menu bar, names the libraries it
// was built with, and carries the licence and the third-party list compiled in.
#include "help/aboutdialog.h"
#include "help/appicon.h"
#include "help/helpmenu.h"
#include "mainwindow.h"
#include "studiofixture.h"

#include <opencv2/core/version.hpp>
#include <torch/version.h>

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QTextBrowser>
#include <QtTest>

using namespace pareto;

class TestAboutDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void windowHasHelpMenuWithAbout();
    void namesLibraryVersions_data();
    void namesLibraryVersions();
    void carriesLicenceAndThirdPartyList();
    void iconRendersAtMenuSizes();
};

void TestAboutDialog::initTestCase() {
    test::isolateSettings();
    QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
}

void TestAboutDialog::windowHasHelpMenuWithAbout() {
    ui::MainWindow w;
    auto* help = w.findChild<ui::HelpMenu*>(QStringLiteral("helpMenu"));
    QVERIFY(help);
    QVERIFY(w.menuBar()->actions().contains(help->menuAction()));
    auto* about = help->findChild<QAction*>(QStringLiteral("aboutAction"));
    QVERIFY(about);
    QCOMPARE(about->text(), QStringLiteral("&About Pareto Studio"));
}

void TestAboutDialog::namesLibraryVersions_data() {
    QTest::addColumn<QString>("line");
    QTest::newRow("Qt") << QStringLiteral("Qt " QT_VERSION_STR);
    QTest::newRow("LibTorch") << QStringLiteral("LibTorch " TORCH_VERSION);
    QTest::newRow("OpenCV") << QStringLiteral("OpenCV " CV_VERSION);
    QTest::newRow("BLAS") << QStringLiteral("BLAS: ");
}

void TestAboutDialog::namesLibraryVersions() {
    QFETCH(QString, line);
    QVERIFY2(ui::AboutDialog::libraryVersions().contains(line), qPrintable(ui::AboutDialog::libraryVersions()));
    ui::AboutDialog dialog;
    bool shown = false;
    for (const QLabel* l : dialog.findChildren<QLabel*>()) shown |= l->text().contains(line.toHtmlEscaped());
    QVERIFY2(shown, qPrintable(line));
}

void TestAboutDialog::carriesLicenceAndThirdPartyList() {
    QVERIFY(ui::AboutDialog::licenceText().contains(QStringLiteral("Apache License")));
    QVERIFY(ui::AboutDialog::licenceText().contains(QStringLiteral("Version 2.0, January 2004")));
    const QString thirdParty = ui::AboutDialog::thirdPartyText();
    for (const char* lib : {"Qt 6", "Qt Charts", "LibTorch", "OpenCV", "nlohmann/json", "OpenBLAS", "zlib", "OpenSSL", "libpng", "libjpeg-turbo", "ONNX", "Fashion-MNIST"})
        QVERIFY2(thirdParty.contains(QLatin1String(lib)), lib);
    QVERIFY(!thirdParty.contains(QStringLiteral("SPDX")));

    ui::AboutDialog dialog;
    QCOMPARE(dialog.findChild<QPlainTextEdit*>(QStringLiteral("licenceText"))->toPlainText(), ui::AboutDialog::licenceText());
    QVERIFY(dialog.findChild<QTextBrowser*>(QStringLiteral("thirdPartyText"))->toPlainText().contains(QStringLiteral("BSD-3-Clause")));
    QVERIFY(dialog.windowTitle().contains(QStringLiteral("About Pareto Studio")));
    dialog.show();
    test::screenshot(&dialog, QStringLiteral("about-dialog"));
}

void TestAboutDialog::iconRendersAtMenuSizes() {
    const QIcon icon = ui::applicationIcon();
    QVERIFY(!icon.isNull());
    for (int size : {16, 32, 256}) QCOMPARE(icon.pixmap(size, size).size(), QSize(size, size));
}

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
