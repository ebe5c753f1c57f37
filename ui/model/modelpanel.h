// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "session/sessiondata.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QMenu;
class QToolButton;

namespace pareto::ui {

class StudioController;

/// @brief The Model panel: what the open checkpoint is (architecture, parameters, FP32
/// bytes), how its FP32 reconstructions measure on the held-out data against the mean-image
/// baseline (n, 95 % CIs), and the untrained-model warning. Open by button, recent files,
/// or drag and drop onto the window. UI thread only.
class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);

    /// Follows the controller's session, loading and load errors.
    void setController(StudioController* controller);
    void setRecentFiles(const QStringList& files);

    /// The text shown (for tests and accessibility).
    QString text() const;

Q_SIGNALS:
    void openDialogRequested();
    void openRequested(const QString& path);

private:
    void showSession(const SessionInfo& info);

    StudioController* m_controller = nullptr;
    QLabel* m_title;
    QLabel* m_status;
    QLabel* m_body;
    QLabel* m_verdict;
    QToolButton* m_open;
    QMenu* m_recent;
    bool m_statusIsError = false;
};

}  // namespace pareto::ui
