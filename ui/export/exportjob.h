// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/sessiondata.h"

#include "eval/bootstrap.h"
#include "export/exporthooks.h"
#include "quant/quantscheme.h"

#include <QObject>

#include <memory>
#include <optional>

namespace pareto {
struct ExportReport;
}

namespace pareto::ui {

/// @brief What the studio showed for a configuration: the figures an export must reproduce.
struct ShownMetrics {
    Estimate mse, psnr, ssim;
};

/// @brief One export, copied on the UI thread (the session's images and the FP32 model at
/// the chosen latent are shared read-only; the job quantizes its own copy).
struct ExportJobRequest {
    SessionPtr session;
    std::shared_ptr<const Model> model;  ///< the FP32 model at the chosen latent size
    QuantScheme scheme;
    QString configLabel;                    ///< "PCA k=8 · int4-g64"
    QString sourceCheckpoint;               ///< its SHA-256 goes into the manifest
    QString provenance;                     ///< names the latent choice
    QString target = QStringLiteral("orin-nano-8gb");
    qint64 fitBatch = 1;
    QString destination;
    bool force = false;
    bool tar = false;
    bool fp16Model = false;
    std::optional<ShownMetrics> shown;      ///< ExportRequest::studioMetrics
    /// The session's own model when the latent choice made another one (ExportRequest::reference).
    std::shared_ptr<const Model> reference;
    QString referenceDescription;
};

/// @brief Runs core exportPackage() — measure, write, re-open from disk with the verifier,
/// re-measure, move into place — as a cancellable background job with progress.
///
/// Lives on the UI thread; one export at a time on its own worker. Cancel is checked by core
/// per stage and per batch; a cancelled or failed export leaves nothing at the destination.
/// The destructor cancels and waits.
class ExportJob : public QObject {
    Q_OBJECT
public:
    explicit ExportJob(QObject* parent = nullptr);
    ~ExportJob() override;

    /// False (nothing started) while an export runs or when the request is not exportable
    /// (then failed() says why).
    bool start(const ExportJobRequest& request);
    void cancel();
    bool isRunning() const { return m_worker.isRunning(); }
    /// Test hook: core's per-stage hook (ExportHooks::atStage), called on the worker.
    void setHooks(ExportHooks hooks) { m_hooks = std::move(hooks); }

Q_SIGNALS:
    void progress(double fraction, const QString& stage);
    void finished(const std::shared_ptr<const pareto::ExportReport>& report);
    void failed(const QString& message);
    void cancelled();

private:
    struct Outcome;
    ExportHooks m_hooks;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
