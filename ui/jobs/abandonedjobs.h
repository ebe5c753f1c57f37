// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

namespace pareto::ui {

/// @brief The process's record of background work that did not stop when asked: a trusted
/// model call that never returns cannot be interrupted, so its thread is abandoned instead
/// of blocking the window (BackgroundWorker). UI thread.
///
/// The app reports each one in the Warnings panel, and at exit a process with abandoned work
/// saves its settings and ends with _exit(), so no destructor runs under a thread that is
/// still inside a model.
class AbandonedJobs : public QObject {
    Q_OBJECT
public:
    static AbandonedJobs& instance();

    void add(const QString& what);
    int count() const { return m_count; }

Q_SIGNALS:
    /// `what` did not stop within the grace period and was abandoned.
    void abandoned(const QString& what);

private:
    AbandonedJobs() = default;
    int m_count = 0;
};

}  // namespace pareto::ui
