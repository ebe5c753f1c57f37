// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/sessiondata.h"

#include "eval/bootstrap.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace pareto {
struct LatentStatistics;
}

namespace pareto::ui {

class WorkerGate;

/// @brief How the studio fine-tunes a student: `pareto latent --method distill`'s defaults,
/// on at most `trainImages` training images (the calibration images), early-stopped on the
/// first `valImages` validation images.
struct DistillSettings {
    int epochs = 3;
    double learningRate = 5e-4;
    double beta = 1.0;
    double teacherWeight = 0.5;
    int seed = 1;
    int patience = 2;
    int batchSize = 64;
    qint64 trainImages = 10000;
    qint64 valImages = 2000;
};

/// @brief One student to distil, copied on the UI thread.
struct DistillRequest {
    SessionPtr session;
    std::shared_ptr<const LatentStatistics> stats;  ///< the teacher's, on its training images
    int k = 0;
    DistillSettings settings;
    /// Models trained from scratch at k (catalog files), for the gap recovered.
    QStringList scratchPaths;
};

/// @brief A distilled student and how it compares, on the session's held-out images.
struct DistilledModel {
    quint64 sessionId = 0;
    int k = 0;
    std::shared_ptr<const Model> model;  ///< the student at k
    DistillSettings settings;
    QString trainData;                      ///< identity of the fine-tuning images
    qint64 trainImages = 0;
    int epochsRun = 0, bestEpoch = 0;
    bool stoppedEarly = false;
    double secondsPerEpoch = 0;
    double explainedVariance = 0;           ///< of the PCA fold it started from
    double seconds = 0;
    // core gapRecovered() on the held-out images: PCA fold vs student vs scratch models at k
    qint64 n = 0;
    int scratchModels = 0;
    bool gapDefined = false;
    Estimate gap;                           ///< 95 % bootstrap CI over images
    double msePca = 0, mseStudent = 0, mseScratch = 0;
    QString gapNote;
    QStringList warnings;
};

/// @brief Distils a student at k (core distillStudent: the PCA fold fine-tuned against the
/// teacher's reconstructions and the data) as a cancellable background job, then measures
/// the fold, the student and the scratch models on the held-out images for the gap recovered.
///
/// Lives on the UI thread; one student at a time on its own worker with one compute thread.
/// A request while one runs cancels it and runs next (latest wins; the cancelled one answers
/// cancelled()). Cancel is checked per batch. The destructor cancels and waits.
class DistillJob : public QObject {
    Q_OBJECT
public:
    explicit DistillJob(QObject* parent = nullptr);
    ~DistillJob() override;

    void request(const DistillRequest& request);
    void cancel();
    bool isRunning() const { return m_worker.isRunning(); }
    /// k of the running (or next) student; 0 when idle.
    int runningK() const;
    /// Test hook: the worker calls gate->pass(0) once its images are loaded, before training.
    void setGate(std::shared_ptr<WorkerGate> gate) { m_gate = std::move(gate); }

Q_SIGNALS:
    void started(quint64 sessionId, int k);
    void progress(double fraction, const QString& stage);
    void finished(const pareto::ui::DistilledModel& result);
    void failed(quint64 sessionId, int k, const QString& message);
    void cancelled(quint64 sessionId, int k);

private:
    struct Outcome;
    void launch(const DistillRequest& request);

    std::shared_ptr<WorkerGate> m_gate;
    std::optional<DistillRequest> m_pending;
    int m_k = 0;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
