#pragma once
// What every one-outcome background job shares: its own worker thread, the watcher that
// brings the outcome back to the UI thread, the cancel token, and dropping superseded work.

#include "jobs/promisesink.h"

#include "common/progress.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <utility>

namespace pareto::ui {

/// @brief Runs one task at a time on a one-thread pool of its own and hands its outcome
/// (a `std::shared_ptr<Outcome>`) back on the owner's thread.
///
/// The task gets a ProgressSink fed into the future (progress 0..1000 and the stage as
/// text) that stops on cancel(). start() while a task runs cancels it: its outcome, when it
/// comes, is dropped unseen. The destructor cancels and waits for the worker. Used as a
/// member of a QObject job class, which keeps its own signals; UI thread (start, cancel).
template <class Outcome>
class BackgroundWorker {
public:
    using OutcomePtr = std::shared_ptr<Outcome>;
    using Task = std::function<OutcomePtr(const ProgressSink&)>;

    /// `onDone` gets the outcome of the latest task (null when the task gave none).
    BackgroundWorker(QObject* owner, std::function<void(double, const QString&)> onProgress, std::function<void(OutcomePtr)> onDone)
        : m_onDone(std::move(onDone)) {
        m_pool.setMaxThreadCount(1);
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::progressValueChanged, owner,
                         [this, onProgress = std::move(onProgress)](int v) {
                             if (onProgress) onProgress(v / 1000.0, m_watcher.progressText());
                         });
        QObject::connect(&m_watcher, &QFutureWatcher<Envelope>::finished, owner, [this] {
            if (m_watcher.future().resultCount() == 0) return;
            const Envelope e = m_watcher.result();
            if (e.generation != m_generation) return;  // superseded by a later start()
            m_running = false;
            m_onDone(e.outcome);
        });
    }
    ~BackgroundWorker() {
        cancel();
        m_pool.waitForDone();
    }
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    void start(Task task) {
        cancel();
        m_cancel = makeCancelToken();
        const quint64 generation = ++m_generation;
        m_running = true;
        const CancelToken token = m_cancel;
        m_watcher.setFuture(QtConcurrent::run(&m_pool, [task = std::move(task), token, generation](QPromise<Envelope>& promise) {
            promise.addResult(Envelope{generation, task(promiseSink(promise, token))});
        }));
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
    QThreadPool m_pool;
    QFutureWatcher<Envelope> m_watcher;
    CancelToken m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
    std::function<void(OutcomePtr)> m_onDone;
};

}  // namespace pareto::ui
