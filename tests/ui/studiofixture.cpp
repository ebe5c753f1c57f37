#include "studiofixture.h"

#include "testsupport.h"

#include "mainwindow.h"
#include "session/studiocontroller.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

namespace pareto::test {

void isolateSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ParetoTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_studio"));
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
    // Let posted layout requests (chart scenes, docks) run before grabbing.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    const QString path = artifactsDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    return widget->grab().save(path) ? path : QString();
}

}  // namespace pareto::test
