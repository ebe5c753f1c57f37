// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "jobs/sensitivityjob.h"
#include "latent/latentoptions.h"
#include "reconstruction/previewresult.h"
#include "session/modelinput.h"
#include "session/evaluatedconfig.h"
#include "session/sessiondata.h"
#include "session/studioconfig.h"
#include "warnings/warningspanel.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace pareto::ui {

class EvaluatedConfigs;
class LatentModelProvider;
class MetricsJob;
class PreviewJob;
class SessionLoadJob;
class SweepJob;

/// How the Reconstructions grid picks its held-out images.
enum class SampleMode {
    First,         ///< the first N images, in data-set order
    WorstByDelta,  ///< the N images whose MSE rose most vs FP32 under the measured configuration
};

struct SampleSelection {
    SampleMode mode = SampleMode::First;
    int count = 8;
};

/// @brief A configuration pinned as "A", to compare with whatever the sliders show now.
struct PinnedConfig {
    StudioConfig config;
    std::shared_ptr<const Model> model;  ///< its compressed model (a separate copy)
    EvaluatedConfig record;                 ///< complete, with per-image figures
};

/// @brief current - A on the same held-out images, paired per image.
struct Comparison {
    QString keyA, keyCurrent;
    qint64 n = 0;
    DeltaEstimate mse, psnr, ssim;
};

/// @brief The studio's state and the owner of its background jobs. UI thread only.
///
/// Panels call its setters and read its state; it turns every change into job requests:
/// a preview (PreviewJob, latest wins), then, once the sliders rest for a moment, the
/// held-out metrics (MetricsJob, streamed with a running CI); sweeps and sensitivity on
/// request. Every request carries an immutable snapshot (SessionData, models as
/// shared_ptr<const>); every result is checked against the current generation / session /
/// configuration key and dropped when the user has moved on. The destructor cancels all jobs
/// and their owners wait for them.
class StudioController : public QObject {
    Q_OBJECT
public:
    explicit StudioController(QObject* parent = nullptr);
    ~StudioController() override;

    // --- session -------------------------------------------------------------------------
    /// Opens a checkpoint with its held-out data (split "" = the spec's default, limit < 0 = all).
    void openModel(const QString& path, const QString& dataSpec, const QString& split = {}, qint64 limit = -1);
    /// Opens a checkpoint with the current data settings.
    void openModelKeepingData(const QString& path);
    /// Loads other data for the current model.
    void setData(const QString& dataSpec, const QString& split, qint64 limit);
    /// How the next model opens (TorchScript input shape and ranges). Takes effect on the next
    /// openModel(); the Data panel reopens the current model when it changes.
    void setModelInput(const ModelInput& input) { m_input = input; }
    ModelInput modelInput() const { return m_input; }
    void cancelLoad();
    bool isLoading() const;
    /// After trustRequested(): remembers the file as trusted (TrustStore) and opens it.
    void trustPendingAndOpen();
    /// After trustRequested(): does not open the file.
    void declinePending();
    /// The program file waiting for the user's trust, or "".
    QString pendingTrustPath() const { return m_pendingTrust.path; }
    SessionPtr session() const { return m_session; }
    /// Data settings of the open session or of the last request.
    QString dataSpec() const { return m_dataSpec; }
    QString dataSplit() const { return m_split; }
    qint64 dataLimit() const { return m_limit; }

    // --- configuration -------------------------------------------------------------------
    void setScheme(const QuantScheme& scheme);
    void setLatentChoice(const LatentChoice& choice);
    StudioConfig currentConfig() const { return {m_latent, m_scheme}; }
    LatentOptions latentOptions() const;
    /// What the latent provider says about the current latent choice (rich text), and in one line.
    QString latentDescription() const;
    QString latentHeadline() const;
    /// Replaces the latent provider (takes ownership).
    void setLatentProvider(LatentModelProvider* provider);
    LatentModelProvider* latentProvider() const { return m_latentProvider; }
    /// True while the FP32 model of the chosen latent is being made (no preview until then).
    bool latentPending() const { return m_latentPending; }
    /// The FP32 model at the current latent choice (compression applies to it); null while pending.
    std::shared_ptr<const Model> baseModel() const { return m_base; }

    // --- preview -------------------------------------------------------------------------
    void setSampleSelection(const SampleSelection& selection);
    SampleSelection sampleSelection() const { return m_selection; }
    void setErrorReference(ErrorReference reference);
    ErrorReference errorReference() const { return m_reference; }
    /// Keeps the current colour scale for the next configurations (comparable colours).
    void setScaleLocked(bool locked);
    bool scaleLocked() const { return m_lockedScale > 0.0f; }
    /// The preview on screen for the current settings, or null while it is being made.
    const PreviewResult* preview() const;
    /// The last preview shown (maybe of earlier settings), or null.
    const PreviewResult* lastPreview() const { return m_preview ? &*m_preview : nullptr; }
    QString previewError() const { return m_previewError; }
    /// What the worst-N ordering is based on ("" in First mode).
    QString sampleDescription() const;
    quint64 generation() const { return m_generation; }

    // --- metrics -------------------------------------------------------------------------
    /// Running or complete figures of the current configuration, or null.
    const EvaluatedConfig* currentMetrics() const;
    EvaluatedConfigs* configs() const { return m_configs; }

    // --- A vs current --------------------------------------------------------------------
    /// Pinning needs the current configuration's complete held-out figures.
    bool canPin() const;
    void pinCurrent();
    void clearPin();
    const PinnedConfig* pinned() const { return m_pinned ? &*m_pinned : nullptr; }
    /// current - A, when both are measured; null otherwise.
    const Comparison* comparison() const;
    /// While comparison() is null with A pinned: what it waits for, or why it cannot come.
    QString comparisonPendingReason() const;

    // --- background jobs -----------------------------------------------------------------
    bool runSweep(const std::vector<QuantScheme>& schemes);
    void cancelSweep();
    /// Forgets every measured configuration but the opened model's FP32 point (the chart's
    /// Clear); the current configuration is measured again.
    void clearMeasured();
    bool sweepRunning() const;
    SweepJob* sweepJob() const { return m_sweep; }
    bool measureSensitivity(const QuantScheme& scheme, int calibrationImages = 256);
    void cancelSensitivity();
    bool sensitivityRunning() const;
    const SensitivityResult* sensitivity() const { return m_sensitivity ? &*m_sensitivity : nullptr; }

    /// Nothing pending for what is on screen: session loaded, preview and metrics of the
    /// current configuration shown.
    bool isSettled() const;

Q_SIGNALS:
    void loadStarted(const QString& what);
    void loadProgress(double fraction, const QString& stage);
    void loadEnded();
    /// Opening `path` failed: `message` is the whole error (the window shows it in its main area).
    void loadFailed(const QString& path, const QString& message);
    /// The file the user asked to open is a program (TorchScript); nothing from it ran.
    /// The UI asks (trustPendingAndOpen() / declinePending()); `message` is core's line.
    void trustRequested(const QString& path, const QString& message);
    void sessionChanged();
    void latentOptionsChanged();
    void configChanged();
    /// A preview for `generation` was asked for (the benchmark times from here).
    void previewRequested(quint64 generation);
    void previewChanged();
    void metricsChanged();
    void pinnedChanged();
    void comparisonChanged();
    void sweepStarted(int planned);
    void sweepProgress(double fraction, const QString& stage);
    void sweepEnded(int rows, int planned, bool cancelled);
    void sensitivityStarted(const QString& scheme);
    void sensitivityProgress(double fraction, const QString& stage);
    void sensitivityEnded();
    void sensitivityChanged();
    /// A non-fatal finding or a load error for the Warnings panel.
    void finding(pareto::ui::Severity severity, const QString& source, const QString& message);
    /// isSettled() became true.
    void settled();

private:
    void onSessionLoaded(const SessionPtr& session);
    void onPreview(const PreviewResult& result);
    void onMetrics(quint64 sessionId, const EvaluatedConfig& record);
    void configurationChanged();
    /// Back to the last latent choice whose model was ready (its job failed or was cancelled).
    void revertLatent();
    void requestPreview();
    void startMetrics();
    QVector<int> sampleIndices() const;
    void updateWorst(const EvaluatedConfig& record);
    void updateComparison();
    void checkSettled();

    SessionLoadJob* m_load;
    PreviewJob* m_previewJob;
    MetricsJob* m_metricsJob;
    SweepJob* m_sweep;
    SensitivityJob* m_sensitivityJob;
    EvaluatedConfigs* m_configs;
    LatentModelProvider* m_latentProvider = nullptr;
    QTimer m_metricsDelay;

    SessionPtr m_session;
    QString m_dataSpec, m_split;
    qint64 m_limit = -1;
    ModelInput m_input;
    QString m_loadingPath;
    struct PendingTrust {
        QString path, sha256, dataSpec, split;
        qint64 limit = -1;
    } m_pendingTrust;

    LatentChoice m_latent;
    std::shared_ptr<const Model> m_base;  ///< FP32 model at m_latent
    bool m_latentPending = false;
    LatentChoice m_readyLatent;              ///< the last choice whose model arrived
    std::shared_ptr<const Model> m_readyBase;
    QuantScheme m_scheme = QuantScheme::integer(8);

    SampleSelection m_selection;
    ErrorReference m_reference = ErrorReference::Original;
    float m_lockedScale = 0.0f;
    QVector<int> m_worst;
    QString m_worstLabel;

    quint64 m_generation = 0;
    std::optional<PreviewResult> m_preview;
    QString m_previewError;
    quint64 m_previewErrorGeneration = 0;
    QString m_metricsKey;                   ///< key of the metrics requested last
    std::optional<EvaluatedConfig> m_running;  ///< streaming figures of the current key
    std::optional<PinnedConfig> m_pinned;
    std::optional<Comparison> m_comparison;
    std::unique_ptr<BackgroundWorker<Comparison>> m_compare;
    quint64 m_sweepSession = 0;
    std::optional<SensitivityResult> m_sensitivity;
    bool m_wasSettled = false;
};

}  // namespace pareto::ui
