// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared steps of the studio's GUI tests: isolated settings, the demo opened on a few
// held-out images, waiting (by spinning the event loop) for the studio to settle, screenshots.

#include <QString>

class QWidget;

namespace pareto::ui {
class MainWindow;
}

namespace pareto::test {

/// QSettings in a private test location, emptied (no recent files or window state leak in).
void isolateSettings();

QString demoModel();
QString demoSpec();

/// Opens the embedded demo on its first `limit` held-out images and waits until the
/// preview and the metrics of the first configuration are on screen.
bool openDemo(ui::MainWindow& window, qint64 limit, int timeoutMs = 120000);

/// Spins the event loop until the controller says nothing is pending for what is shown.
bool waitSettled(ui::MainWindow& window, int timeoutMs = 120000);

/// Saves `widget.grab()` as artifactsDir()/<name>.png; returns the path ("" on failure).
QString screenshot(QWidget* widget, const QString& name);

}  // namespace pareto::test
