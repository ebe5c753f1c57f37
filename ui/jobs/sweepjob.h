#pragma once

#include "session/evaluatedconfig.h"
#include "session/sessiondata.h"

#include "quant/quantscheme.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

namespace pareto::ui {

class WorkerGate;

/// @brief A grid of schemes to measure on the session's held-out images.
struct SweepRequest {
    SessionPtr session;
    std::shared_ptr<const VaeModel> base;  ///< FP32 model at the chosen latent size
    LatentChoice latent;
    std::vector<QuantScheme> schemes;
};

/// @brief Measures a scheme grid row by row (core measureSweepRow against the session's FP32
/// numbers, measured once at load) as a cancellable background job with progress.
///
/// Lives on the UI thread; one sweep at a time, on its own worker. Each row arrives by
/// rowReady() as soon as it is measured, so a cancelled sweep keeps the rows it finished.
/// Cancel is checked before each row and inside core per batch. The destructor cancels and
/// waits.
class SweepJob : public QObject {
    Q_OBJECT
public:
    explicit SweepJob(QObject* parent = nullptr);
    ~SweepJob() override;

    /// False (and nothing started) while a sweep runs.
    bool start(const SweepRequest& request);
    void cancel();
    bool isRunning() const { return m_running; }

    /// Test hook: the worker calls gate->pass(row index) before measuring each row.
    void setGate(std::shared_ptr<WorkerGate> gate) { m_gate = std::move(gate); }

Q_SIGNALS:
    void started(int planned);
    void progress(double fraction, const QString& stage);
    void rowReady(const pareto::ui::EvaluatedConfig& row);
    /// rows measured of `planned`; `error` empty unless a row failed.
    void finished(int rows, int planned, bool cancelled, const QString& error, const QStringList& warnings);

private:
    struct Item;
    QThreadPool m_pool;
    QFutureWatcher<std::shared_ptr<Item>> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::shared_ptr<WorkerGate> m_gate;
    int m_planned = 0;
    int m_rows = 0;
    bool m_running = false;
    bool m_cancelled = false;
    QString m_error;
    QStringList m_warnings;
};

}  // namespace pareto::ui
