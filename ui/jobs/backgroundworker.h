#pragma once
// What every one-outcome background job shares: its own worker thread, the watcher that
// brings the outcome back to the UI thread, the cancel token, and dropping superseded work.

#include "jobs/abandonedjobs.h"
#include "jobs/promisesink.h"

#include "common/progress.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace pareto::ui {

/// How long a cancelled task may keep running before its thread is abandoned: when a newer
/// task waits behind it, and when the owner is destroyed (the window closes).
inline constexpr int kAbandonAfterMs = 3000;

/// @brief Runs one task at a time on a one-thread pool of its own and hands its outcome
/// (a `std::shared_ptr<Outcome>`) back on the owner's thread.
///
/// The task gets a ProgressSink fed into the future (progress 0..1000 and the stage as
/// text) that stops on cancel(). start() while a task runs cancels it: its outcome, when it
/// comes, is dropped unseen. A cancelled task that does not stop (a trusted model call that
/// never returns) is abandoned after kAbandonAfterMs: the newest task moves to a fresh
/// thread and the stuck one is reported to AbandonedJobs, never waited for. The destructor
/// cancels and waits at most kAbandonAfterMs. Used as a member of a QObject job class, which
/// keeps its own signals; UI thread (start, cancel).
template <class Outcome>
class BackgroundWorker {
public:
    using OutcomePtr = std::shared_ptr<Outcome>;
    using Task = std::function<OutcomePtr(const ProgressSink&)>;

    /// `onDone` gets the outcome of the latest task (null when the task gave none).
    /// `what` names the job in the abandoned-work report ("opening a model").
    BackgroundWorker(QObject* owner, std::function<void(double, const QString&)> onProgress, std::function<void(OutcomePtr)> onDone,
                     QString what = QStringLiteral("a background job"))
        : m_pool(newPool()), m_onDone(std::move(onDone)), m_what(std::move(what)) {
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::progressValueChanged, owner,
                         [this, onProgress = std::move(onProgress)](int v) {
                             if (onProgress) onProgress(v / 1000.0, m_watcher.progressText());
                         });
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::finished, owner, [this] {
            if (m_watcher.future().resultCount() == 0) return;
            const Envelope e = m_watcher.result();
            if (e.generation != m_generation) return;  // superseded by a later start()
            m_running = false;
            m_watchdog.stop();
            m_onDone(e.outcome);
        });
        m_watchdog.setSingleShot(true);
        m_watchdog.setInterval(kAbandonAfterMs);
        QObject::connect(&m_watchdog, &QTimer::timeout, owner, [this] { rescueQueuedTask(); });
    }
    ~BackgroundWorker() {
        cancel();
        m_watchdog.stop();
        if (!m_pool->waitForDone(kAbandonAfterMs)) abandon(std::move(m_pool));
        for (auto& p : m_retired)
            if (!p->waitForDone(0)) abandon(std::move(p));
    }
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    void start(Task task) {
        cancel();
        pruneRetired();
        const bool busy = m_pool->activeThreadCount() > 0;
        m_cancel = makeCancelToken();
        m_task = std::move(task);
        ++m_generation;
        m_running = true;
        launch();
        // Normally the cancelled task stops within a batch; if it does not, the watchdog
        // moves this one to a fresh thread.
        if (busy) m_watchdog.start();
    }
    void cancel() {
        if (m_cancel) m_cancel->store(true);
    }
    bool isRunning() const { return m_running; }

private:
    struct Envelope {
        quint64 generation = 0;
        OutcomePtr outcome;
    };

    static std::unique_ptr<QThreadPool> newPool() {
        auto pool = std::make_unique<QThreadPool>();
        pool->setMaxThreadCount(1);
        return pool;
    }

    void launch() {
        const CancelToken token = m_cancel;
        const quint64 generation = m_generation;
        Task task = m_task;
        // QFuture reports "started" as soon as a task is queued; this says it really runs.
        auto began = std::make_shared<std::atomic<bool>>(false);
        m_began = began;
        m_watcher.setFuture(
            QtConcurrent::run(m_pool.get(), [task = std::move(task), token, generation, began](QPromise<Envelope>& promise) {
                began->store(true);
                promise.addResult(Envelope{generation, task(promiseSink(promise, token))});
            }));
    }

    // The newest task is still queued behind a cancelled one that did not stop.
    void rescueQueuedTask() {
        if (!m_running || !m_began || m_began->load()) return;
        m_pool->clear();  // drops the queued copy; the stuck task keeps its thread
        m_retired.push_back(std::move(m_pool));
        AbandonedJobs::instance().add(m_what);
        m_pool = newPool();
        launch();
    }

    void pruneRetired() {
        for (auto it = m_retired.begin(); it != m_retired.end();)
            it = (*it)->activeThreadCount() == 0 ? m_retired.erase(it) : it + 1;
    }

    // Never destroyed: QThreadPool's destructor would wait for the stuck thread.
    void abandon(std::unique_ptr<QThreadPool> pool) {
        (void)pool.release();
        AbandonedJobs::instance().add(m_what);
    }

    std::unique_ptr<QThreadPool> m_pool;
    std::vector<std::unique_ptr<QThreadPool>> m_retired;  ///< pools whose cancelled task had not stopped
    QFutureWatcher<Envelope> m_watcher;
    QTimer m_watchdog;
    CancelToken m_cancel;
    Task m_task;
    std::shared_ptr<std::atomic<bool>> m_began;  ///< whether the latest launch() began running
    quint64 m_generation = 0;
    bool m_running = false;
    std::function<void(OutcomePtr)> m_onDone;
    QString m_what;
};

}  // namespace pareto::ui
