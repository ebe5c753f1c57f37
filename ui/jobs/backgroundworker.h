// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one background-job mechanism of the studio: its own worker thread, the watcher that
// brings outcomes back to the UI thread, the cancel token, dropping superseded work, and
// abandoning work that does not stop.

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
#include <optional>
#include <utility>
#include <vector>

namespace pareto::ui {

/// How long a cancelled task may keep running before its thread is abandoned: when a newer
/// task waits behind it, and when the owner is destroyed (the window closes).
inline constexpr int kAbandonAfterMs = 3000;

/// What start() does to a task that is still running.
enum class Supersede {
    Cancel,      ///< cancel it (it stops at its next check); the new task runs once it has stopped
    Queue,       ///< let it finish unseen; the newest waiting task runs next (older waiting ones are dropped)
    QueueKeep,   ///< as Queue, but its outcome is still delivered (outcomes that carry what they are for)
};

/// @brief Runs one task at a time on a one-thread pool of its own and hands its outcomes
/// (`std::shared_ptr<Outcome>`) back on the owner's thread.
///
/// A task gets a ProgressSink fed into the future (progress 0..1000 and the stage as text)
/// that stops on cancel(), and a `post` callback for partial outcomes (streamed rows, running
/// figures), which reach `onPartial` in order; its return value is the final outcome, for
/// `onDone`. Outcomes of a superseded task are dropped unseen. A cancelled task that does not
/// stop (a trusted model call that never returns) is abandoned after kAbandonAfterMs: the
/// newest task moves to a fresh thread and the stuck one is reported to AbandonedJobs, never
/// waited for. The destructor cancels and waits at most kAbandonAfterMs. A member of a QObject
/// job class, which keeps its own signals; UI thread (start, cancel).
template <class Outcome>
class BackgroundWorker {
public:
    using OutcomePtr = std::shared_ptr<Outcome>;
    using Post = std::function<void(OutcomePtr)>;
    using Task = std::function<OutcomePtr(const ProgressSink&, const Post&)>;
    using SimpleTask = std::function<OutcomePtr(const ProgressSink&)>;

    /// `onDone` gets the final outcome of the latest task (null when the task gave none).
    /// `what` names the job in the abandoned-work report ("opening a model").
    BackgroundWorker(QObject* owner, std::function<void(double, const QString&)> onProgress, std::function<void(OutcomePtr)> onDone,
                     QString what = QStringLiteral("a background job"), Supersede supersede = Supersede::Cancel,
                     std::function<void(OutcomePtr)> onPartial = {})
        : m_pool(newPool()),
          m_onDone(std::move(onDone)),
          m_onPartial(std::move(onPartial)),
          m_what(std::move(what)),
          m_supersede(supersede) {
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::progressValueChanged, owner,
                         [this, onProgress = std::move(onProgress)](int v) {
                             if (onProgress && m_running) onProgress(double(v) / kProgressScale, m_watcher.progressText());
                         });
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::resultsReadyAt, owner, [this](int begin, int end) {
            for (int i = begin; i < end; ++i) deliver(m_watcher.resultAt(i));
        });
        m_watchdog.setSingleShot(true);
        m_watchdog.setInterval(kAbandonAfterMs);
        QObject::connect(&m_watchdog, &QTimer::timeout, owner, [this] { rescueQueuedTask(); });
    }
    ~BackgroundWorker() {
        m_pending.reset();
        cancel();
        m_watchdog.stop();
        if (!m_pool->waitForDone(kAbandonAfterMs)) abandon(std::move(m_pool));
        for (auto& p : m_retired)
            if (!p->waitForDone(0)) abandon(std::move(p));
    }
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    void start(Task task) {
        if (m_supersede != Supersede::Cancel && m_running) {
            m_pending = std::move(task);  // the running one finishes unseen, then this runs
            return;
        }
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
    void start(SimpleTask task) {
        start(Task([task = std::move(task)](const ProgressSink& sink, const Post&) { return task(sink); }));
    }
    void cancel() {
        m_pending.reset();
        if (m_cancel) m_cancel->store(true);
    }
    bool isRunning() const { return m_running; }

private:
    struct Envelope {
        quint64 generation = 0;
        OutcomePtr outcome;
        bool final = false;
    };

    static std::unique_ptr<QThreadPool> newPool() {
        auto pool = std::make_unique<QThreadPool>();
        pool->setMaxThreadCount(1);
        return pool;
    }

    void deliver(const Envelope& e) {
        if (e.generation != m_generation) return;  // superseded by a later start()
        if (!e.final) {
            if (m_onPartial) m_onPartial(e.outcome);
            return;
        }
        m_running = false;
        m_watchdog.stop();
        if (m_pending) {
            Task next = std::move(*m_pending);
            m_pending.reset();
            if (m_supersede == Supersede::QueueKeep) m_onDone(e.outcome);
            start(std::move(next));
            return;
        }
        m_onDone(e.outcome);
    }

    void launch() {
        const CancelToken token = m_cancel;
        const quint64 generation = m_generation;
        Task task = m_task;
        // QFuture reports "started" as soon as a task is queued; this says it really runs.
        auto began = std::make_shared<std::atomic<bool>>(false);
        m_began = began;
        m_watcher.setFuture(QtConcurrent::run(m_pool.get(), [task = std::move(task), token, generation, began](QPromise<Envelope>& promise) {
            began->store(true);
            const Post post = [&promise, generation](OutcomePtr partial) {
                promise.addResult(Envelope{generation, std::move(partial), false});
            };
            OutcomePtr final = task(promiseSink(promise, token), post);
            promise.addResult(Envelope{generation, std::move(final), true});
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
    std::optional<Task> m_pending;               ///< Supersede::Queue: the newest task waiting
    std::shared_ptr<std::atomic<bool>> m_began;  ///< whether the latest launch() began running
    quint64 m_generation = 0;
    bool m_running = false;
    std::function<void(OutcomePtr)> m_onDone;
    std::function<void(OutcomePtr)> m_onPartial;
    QString m_what;
    Supersede m_supersede;
};

}  // namespace pareto::ui
