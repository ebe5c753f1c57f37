#pragma once

#include "jobs/evaluationsummary.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace pareto::ui {

/// @brief Opens a checkpoint and measures it on a data spec, on a worker thread.
///
/// Lives on the UI thread. start() snapshots its inputs and runs core in QtConcurrent;
/// a newer start() supersedes an older one, whose result is dropped. The destructor
/// cancels and waits, so no worker outlives the job.
class EvaluationJob : public QObject {
    Q_OBJECT
public:
    explicit EvaluationJob(QObject* parent = nullptr);
    ~EvaluationJob() override;

    void start(const QString& checkpoint, const QString& dataSpec, qint64 limit);
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    /// fraction in [0, 1] and a short label, for the status bar.
    void progress(double fraction, const QString& stage);
    void finished(const pareto::ui::EvaluationSummary& summary);
    /// A user-facing, one-line reason (file and problem); not emitted for a cancel.
    void failed(const QString& message);
    void cancelled();

private:
    struct Outcome;
    QFutureWatcher<std::shared_ptr<Outcome>> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
};

}  // namespace pareto::ui
