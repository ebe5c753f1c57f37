// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace pareto::ui {

class MainWindow;

/// @brief `pareto-studio --screenshot FILE [--screenshot-after sweep,grid]`: waits for the
/// first preview and its held-out metrics, then for each job named (the default sweep, the
/// latent x bits grid), runs it if nothing started it, waits for it to finish and for the
/// window to settle, and grabs the window. finished(0) when written. UI thread only.
class ScreenshotRunner : public QObject {
    Q_OBJECT
public:
    /// `after`: "sweep" and/or "grid", in the order they run.
    ScreenshotRunner(MainWindow* window, const QString& file, const QStringList& after, QObject* parent = nullptr);

    /// The names --screenshot-after accepts.
    static QStringList knownJobs() { return {QStringLiteral("sweep"), QStringLiteral("grid")}; }
    void start();

Q_SIGNALS:
    /// 0: the PNG was written; 1: it could not be.
    void finished(int code, const QString& file);

private:
    void step();
    void grab();

    MainWindow* m_window;
    QString m_file;
    QStringList m_after;
    QTimer m_poll;
    int m_sweepsEnded = 0;
    bool m_sweepAsked = false;
    bool m_gridAsked = false;
    bool m_grabbing = false;
};

}  // namespace pareto::ui
