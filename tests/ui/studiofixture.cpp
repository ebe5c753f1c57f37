// SPDX-License-Identifier: Apache-2.0
#include "studiofixture.h"

#include "testsupport.h"

#include "mainwindow.h"
#include "session/studiocontroller.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

namespace pareto::test {

void isolateSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ParetoTests"));
    // One settings file per test program: CTest runs them in parallel.
    QCoreApplication::setApplicationName(QStringLiteral("tst_studio-") + QFileInfo(QCoreApplication::applicationFilePath()).baseName());
    QSettings().clear();
}

QString demoModel() { return resource(QStringLiteral("demo/tinyvae-fmnist-l16.safetensors")); }
QString demoSpec() { return QStringLiteral("fashion-mnist:") + resource(QStringLiteral("demo/fashion-mnist-subset")); }

bool waitSettled(ui::MainWindow& w, int timeoutMs) {
    return QTest::qWaitFor([&] { return w.controller()->isSettled(); }, timeoutMs);
}

bool openDemo(ui::MainWindow& w, qint64 limit, int timeoutMs) {
    w.openModel(demoModel(), demoSpec(), limit);
    return QTest::qWaitFor([&] { return w.controller()->session() && w.controller()->isSettled(); }, timeoutMs);
}

QString screenshot(QWidget* widget, const QString& name) {
    // Let pending redraws (the charts coalesce theirs into the next event-loop pass) and
    // posted layout requests run before grabbing: this spins the loop, it does not wait.
    for (int i = 0; i < 3; ++i) QCoreApplication::processEvents();
    // processEvents() leaves deleteLater()s for the event loop: a removed chart axis would
    // still be drawn.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    const QString path = artifactsDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    return widget->grab().save(path) ? path : QString();
}

}  // namespace pareto::test
