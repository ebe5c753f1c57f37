// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/sessiondata.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace pareto {
struct LatentStatistics;
}

namespace pareto::ui {

class WorkerGate;

/// Training images the statistics of mu are collected on, as `pareto latent --calib-limit`'s
/// default: the first 10,000 of the data's training part (all of them on the embedded demo's
/// 1,800).
inline constexpr qint64 kCalibrationImages = 10000;

/// @brief The statistics of the open model's latent means over its data's training part:
/// the expensive half of a PCA truncation, collected once per session.
struct CalibrationResult {
    quint64 sessionId = 0;
    std::shared_ptr<const LatentStatistics> stats;
    QString dataIdentity;  ///< the calibration images
    qint64 n = 0;
    QStringList notes;     ///< e.g. that the held-out images are training images too
    double seconds = 0;
};

/// @brief Loads the session data's training part (the calibration set the README's latent
/// section prescribes, never the held-out images) and runs core collectLatentStatistics on
/// it, on a worker of its own with one compute thread, so the previews keep a core.
///
/// Lives on the UI thread. A newer start() cancels the older job, whose answer is dropped.
/// The destructor cancels and waits.
class LatentStatisticsJob : public QObject {
    Q_OBJECT
public:
    explicit LatentStatisticsJob(QObject* parent = nullptr);
    ~LatentStatisticsJob() override;

    void start(const SessionPtr& session, qint64 calibrationImages = kCalibrationImages);
    void cancel();
    bool isRunning() const { return m_worker.isRunning(); }
    /// Test hook: the worker calls gate->pass(0) once the images are loaded.
    void setGate(std::shared_ptr<WorkerGate> gate) { m_gate = std::move(gate); }

Q_SIGNALS:
    void progress(double fraction, const QString& stage);
    void finished(const pareto::ui::CalibrationResult& result);
    void failed(quint64 sessionId, const QString& message);
    void cancelled(quint64 sessionId);

private:
    struct Outcome;
    std::shared_ptr<WorkerGate> m_gate;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
