// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/sessiondata.h"
#include "session/studioconfig.h"

#include "eval/bootstrap.h"
#include "quant/quantscheme.h"

#include <QObject>
#include <QStringList>
#include <QVector>

#include <limits>
#include <memory>
#include <vector>

namespace pareto {
struct LatentStatistics;
struct PerImageMetrics;
}

namespace pareto::ui {

class WorkerGate;

/// @brief One row of the latent x bits grid: a model at latent k.
struct LatentGridRow {
    LatentChoice latent;
    QString label;          ///< "original L=16", "PCA k=8", "trained k=8 (seed 1)"
    QString source;         ///< file or how it was derived
    double explainedVariance = std::numeric_limits<double>::quiet_NaN();  ///< PCA only
    QString weightsHash;    ///< core weightsHash() of the row's FP32 model
};

/// @brief One measured point: a row's model under one scheme (core CompoundRow, as Qt values).
struct LatentGridCell {
    bool valid = false;     ///< false where nothing was measured (a model core cannot quantize)
    StudioConfig config;
    QString scheme;
    qint64 params = 0, bytes = 0, fp32Bytes = 0;
    double ratio = 0;            ///< vs this model's own FP32 bytes
    double ratioVsOriginal = 0;  ///< the original model's FP32 bytes / bytes
    double bitsPerParam = 0;
    Estimate mse, psnr, ssim;    ///< 95 % bootstrap CIs over the images
    DeltaEstimate deltaMse, deltaPsnr, deltaSsim;  ///< this - the original FP32 model, paired per image
    bool reference = false;      ///< the original model in FP32
    bool pareto = false;         ///< on the (bytes, mean MSE) front of the whole grid
    bool untrained = false;      ///< not clearly better than the mean image
    std::shared_ptr<const PerImageMetrics> perImage;  ///< behind mse/psnr/ssim, for A/B pairs
    QString weightsId;           ///< the row's weightsHash + "|" + scheme (EvaluatedConfig::weightsId)
};

/// @brief The grid core sweepCompound() measured. Plain value, any thread.
struct LatentGridResult {
    quint64 sessionId = 0;
    QVector<LatentGridRow> rows;
    QStringList columns;            ///< scheme strings, "fp32" first
    QVector<LatentGridCell> cells;  ///< rows.size() x columns.size(), row-major
    qint64 n = 0;
    QString dataIdentity;
    qint64 originalFp32Bytes = 0;
    QStringList warnings;
    double seconds = 0;

    const LatentGridCell* cell(int row, int column) const;
    /// The valid cells, in row-major order.
    QVector<LatentGridCell> measured() const;
};

/// @brief What to measure, copied on the UI thread. PCA rows are made on the worker from
/// `stats` (core buildLatentVariant); trained rows are opened there from `path` unless a
/// `model` is given (distilled students are).
struct LatentGridRequest {
    struct Variant {
        LatentChoice latent;
        QString path;
        std::shared_ptr<const pareto::Model> model;
        QString source;
    };
    SessionPtr session;
    std::shared_ptr<const LatentStatistics> stats;
    QVector<int> pcaKs;
    QVector<Variant> models;          ///< trained and distilled rows, in order
    std::vector<QuantScheme> schemes; ///< the columns after FP32
};

/// @brief The latent x bits grid (core sweepCompound: every latent row x every scheme on the
/// session's held-out images, paired per image with the original FP32 model, one Pareto front
/// over bytes and MSE) as a cancellable background job with progress.
///
/// Lives on the UI thread; one grid at a time, on its own worker, measuring on every compute
/// thread at a lower priority (useBackgroundComputeThreads).
/// Cancel is checked per grid point and per batch; a cancelled grid returns nothing (core
/// computes the front over the whole grid). The destructor cancels and waits.
class LatentGridJob : public QObject {
    Q_OBJECT
public:
    explicit LatentGridJob(QObject* parent = nullptr);
    ~LatentGridJob() override;

    /// False (and nothing started) while a grid runs.
    bool start(const LatentGridRequest& request);
    void cancel();
    bool isRunning() const { return m_worker.isRunning(); }
    /// Test hook: the worker calls gate->pass(i) as grid point i is announced (0 = the original at
    /// FP32; a row's points are announced, then its copies made and measured together).
    void setGate(std::shared_ptr<WorkerGate> gate) { m_gate = std::move(gate); }

Q_SIGNALS:
    void started(int points);
    void progress(double fraction, const QString& stage);
    void finished(const pareto::ui::LatentGridResult& result);
    void failed(const QString& message);
    void cancelled();

private:
    struct Outcome;
    std::shared_ptr<WorkerGate> m_gate;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
