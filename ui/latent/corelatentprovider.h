// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "latent/distilljob.h"
#include "latent/latentmodelprovider.h"
#include "latent/latentstatisticsjob.h"

#include "latent/latentcatalog.h"

#include "jobs/backgroundworker.h"

#include <QHash>
#include <QMap>
#include <QStringList>

#include <memory>
#include <optional>

namespace pareto::ui {

class LatentModelLoader;

/// @brief The latent slider's backends, on core/latent.
///
/// - **PCA**: when a session opens, LatentStatisticsJob collects the statistics of mu on the
///   data's training part in the background; from then on every k in 1..L is a cheap fold
///   (reduceLatentPca), made on LatentModelLoader's worker and cached for the session.
/// - **Trained**: the checkpoints of a LatentCatalog of the session model's architecture and
///   input — the demo's catalog (demoLatentCatalog()) for the demo model, plus every folder
///   the user added ("Add trained models folder…", kept in QSettings `latent/trainedFolders`)
///   for any model. The k stops are the catalog's L values; each seed is its own choice; the
///   held-out MSE over seeds (Student-t CI) comes from the checkpoints' metadata. Catalogs are
///   read (headers only) and checkpoints loaded off the UI thread.
/// - **Distilled**: on demand, DistillJob fine-tunes the PCA fold at k against the teacher,
///   cancellable, with progress; students are cached for the session, with the gap recovered
///   when the catalog has scratch models at k.
///
/// Long jobs are announced by jobStarted()/jobProgress()/jobEnded() (the status bar) and
/// stopped by cancelJob(). Results of an earlier session are dropped. UI thread.
class CoreLatentProvider : public LatentModelProvider {
    Q_OBJECT
public:
    explicit CoreLatentProvider(QObject* parent = nullptr);
    ~CoreLatentProvider() override;

    void sessionOpened(const SessionPtr& session) override;
    LatentOptions options(const SessionPtr& session) const override;
    void requestModel(const SessionPtr& session, const LatentChoice& choice) override;
    QString headline(const SessionPtr& session, const LatentChoice& choice) const override;
    QString describe(const SessionPtr& session, const LatentChoice& choice) const override;
    QString provenance(const SessionPtr& session, const LatentChoice& choice) const override;
    QString sourceCheckpoint(const SessionPtr& session, const LatentChoice& choice) const override;

    // --- PCA ----------------------------------------------------------------------------
    /// The open session's statistics of mu, or null while they are collected (or failed).
    std::shared_ptr<const LatentStatistics> statistics() const { return m_stats ? m_stats->stats : nullptr; }
    const CalibrationResult* calibration() const { return m_stats ? &*m_stats : nullptr; }
    /// Fraction of mu's variance k components keep; NaN without statistics.
    double explainedVariance(int k) const;
    bool statisticsRunning() const { return m_statsJob->isRunning(); }
    LatentStatisticsJob* statisticsJob() const { return m_statsJob; }

    // --- trained ------------------------------------------------------------------------
    /// Adds a folder of trained checkpoints (e.g. a `pareto sweep-latent` cache) for every
    /// model from now on, remembered in QSettings; rescans the open session's catalog.
    void addTrainedFolder(const QString& folder);
    /// Forgets every added folder.
    void clearTrainedFolders();
    QStringList trainedFolders() const { return m_folders; }
    /// The demo's catalog is used for the demo model (default true; tests switch it off).
    void setUseDemoCatalog(bool use);
    /// The catalog of the open session as read (every method and channel count).
    const LatentCatalog& catalog() const { return m_catalog; }
    bool catalogReady() const { return m_catalogReady; }
    /// Trained checkpoints usable with the open model (its channels), by latent size.
    const QMap<int, QVector<CatalogEntry>>& trainedModels() const { return m_trained; }
    /// Held-out MSE over the seeds at L (Student-t 95 % CI from the files' metadata, n = seeds
    /// with a stored figure); n = 0 when none has one.
    Estimate trainedMse(int latentDim) const;
    const CatalogEntry* trainedEntry(int latentDim, int seed) const;

    // --- distilled ----------------------------------------------------------------------
    void setDistillSettings(const DistillSettings& settings) { m_distillSettings = settings; }
    DistillSettings distillSettings() const { return m_distillSettings; }
    /// Starts distilling a student at k unless it is cached or running; false when k is not
    /// possible (no statistics yet, a model that does not train, k outside 1..L-1).
    bool distill(int k);
    const DistilledModel* distilled(int k) const;
    QList<int> distilledKs() const { return m_distilled.keys(); }
    /// k being distilled now (0: none).
    int distillingK() const { return m_distillJob->runningK(); }
    DistillJob* distillJob() const { return m_distillJob; }
    LatentModelLoader* loader() const { return m_loader; }

    /// Cancels the job "latent-statistics" or "distill".
    void cancelJob(const QString& id);

Q_SIGNALS:
    void jobStarted(const QString& id, const QString& label);
    void jobProgress(const QString& id, double fraction, const QString& stage);
    void jobEnded(const QString& id);

private:
    void rescanCatalog();
    void onCatalog(quint64 sessionId, const LatentCatalog& catalog);
    void onStatistics(const CalibrationResult& result);
    void onDistilled(const DistilledModel& result);
    bool currentSession(quint64 sessionId) const { return m_session && m_session->id == sessionId; }
    int channels() const;

    LatentStatisticsJob* m_statsJob;
    DistillJob* m_distillJob;
    LatentModelLoader* m_loader;
    struct CatalogScan;
    BackgroundWorker<CatalogScan> m_catalogScan;

    SessionPtr m_session;
    bool m_isDemo = false;
    std::optional<CalibrationResult> m_stats;
    QString m_statsError;
    double m_statsProgress = 0;
    QStringList m_folders;
    bool m_useDemoCatalog = true;
    LatentCatalog m_catalog;
    bool m_catalogReady = false;
    QMap<int, QVector<CatalogEntry>> m_trained;              ///< by L, seeds ascending
    QHash<QString, std::shared_ptr<const Model>> m_loaded; ///< trained checkpoints by path
    QHash<int, std::shared_ptr<const Model>> m_folds;      ///< PCA folds by k
    QMap<int, DistilledModel> m_distilled;
    DistillSettings m_distillSettings;
    std::optional<LatentChoice> m_waitingDistill;             ///< the distilled choice asked for
    QString m_distillStage;
};

}  // namespace pareto::ui
