// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/evaluatedconfig.h"
#include "session/sessiondata.h"

#include "quant/quantscheme.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace pareto::ui {

class WorkerGate;

/// @brief A grid of schemes to measure on the session's held-out images.
struct SweepRequest {
    SessionPtr session;
    std::shared_ptr<const Model> base;  ///< FP32 model at the chosen latent size
    LatentChoice latent;
    std::vector<QuantScheme> schemes;
};

/// @brief Measures a scheme grid row by row (core measureSweepRow against the session's FP32
/// numbers, measured once at load) as a cancellable background job with progress.
///
/// Lives on the UI thread; one sweep at a time, on its BackgroundWorker. Each row arrives by
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
    bool isRunning() const { return m_worker.isRunning(); }

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
    void take(const std::shared_ptr<Item>& item);

    std::shared_ptr<WorkerGate> m_gate;
    int m_planned = 0;
    int m_rows = 0;
    bool m_cancelled = false;
    QString m_error;
    QStringList m_warnings;
    BackgroundWorker<Item> m_worker;
};

}  // namespace pareto::ui
