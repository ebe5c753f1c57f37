// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

#include <functional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace pareto::ui {

/// @brief The status bar's progress bar with Cancel, for the long background jobs (opening
/// a session, sweeps, sensitivity).
///
/// Several jobs may run at once; the bar shows the most recently started one (and how many
/// others run), Cancel cancels that one. Hidden when nothing runs. UI thread only.
class JobProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit JobProgressWidget(QWidget* parent = nullptr);

    /// Starts showing a job; `cancel` is called when the user presses Cancel.
    void begin(const QString& id, const QString& label, std::function<void()> cancel);
    void update(const QString& id, double fraction, const QString& stage);
    void end(const QString& id);
    bool isActive(const QString& id) const;

    /// Shows the jobs a source announces: it has the signals jobStarted(id, label),
    /// jobProgress(id, fraction, stage), jobEnded(id) and a cancelJob(id) method.
    template <class Source>
    void track(Source* source) {
        connect(source, &Source::jobStarted, this,
                [this, source](const QString& id, const QString& label) { begin(id, label, [source, id] { source->cancelJob(id); }); });
        connect(source, &Source::jobProgress, this, &JobProgressWidget::update);
        connect(source, &Source::jobEnded, this, &JobProgressWidget::end);
    }

    QPushButton* cancelButton() const { return m_cancel; }
    /// The text shown beside the bar (for tests).
    QString text() const;

private:
    struct Task {
        QString id, label, stage;
        double fraction = 0;
        std::function<void()> cancel;
    };
    void refresh();

    QVector<Task> m_tasks;
    QLabel* m_label;
    QProgressBar* m_bar;
    QPushButton* m_cancel;
};

}  // namespace pareto::ui
