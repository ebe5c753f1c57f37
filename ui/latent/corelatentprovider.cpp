// SPDX-License-Identifier: Apache-2.0
#include "latent/corelatentprovider.h"

#include "common/uiformat.h"
#include "latent/latentmodelloader.h"

#include "common/resourcepaths.h"
#include "latent/latentstatistics.h"
#include "latent/latentvariantbuilder.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace pareto::ui {
namespace {

const QString kStatsJob = QStringLiteral("latent-statistics");
const QString kDistillJob = QStringLiteral("distill");
const QString kFoldersKey = QStringLiteral("latent/trainedFolders");

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString percent(double f) { return QStringLiteral("%1 %").arg(100.0 * f, 0, 'f', 1); }

}  // namespace

struct CoreLatentProvider::CatalogScan {
    quint64 sessionId = 0;
    LatentCatalog catalog;
};

CoreLatentProvider::CoreLatentProvider(QObject* parent)
    : LatentModelProvider(parent),
      m_statsJob(new LatentStatisticsJob(this)),
      m_distillJob(new DistillJob(this)),
      m_loader(new LatentModelLoader(this)),
      m_catalogScan(
          this, nullptr,
          [this](const std::shared_ptr<CatalogScan>& scan) {
              if (scan) onCatalog(scan->sessionId, scan->catalog);
          },
          tr("Reading a catalog of trained models")) {
    m_folders = QSettings().value(kFoldersKey).toStringList();

    connect(m_statsJob, &LatentStatisticsJob::progress, this, [this](double f, const QString& stage) {
        m_statsProgress = f;
        Q_EMIT jobProgress(kStatsJob, f, tr("PCA statistics: %1").arg(stage));
    });
    connect(m_statsJob, &LatentStatisticsJob::finished, this, &CoreLatentProvider::onStatistics);
    connect(m_statsJob, &LatentStatisticsJob::failed, this, [this](quint64 sessionId, const QString& message) {
        Q_EMIT jobEnded(kStatsJob);
        if (!currentSession(sessionId)) return;
        m_statsError = message;
        Q_EMIT finding(Severity::Error, tr("PCA statistics"), message);
        Q_EMIT optionsChanged();
    });
    connect(m_statsJob, &LatentStatisticsJob::cancelled, this, [this](quint64 sessionId) {
        Q_EMIT jobEnded(kStatsJob);
        if (!currentSession(sessionId)) return;
        m_statsError = tr("collecting the statistics of mu was cancelled; reload the data (Data panel) to collect them");
        Q_EMIT finding(Severity::Info, tr("PCA statistics"), m_statsError);
        Q_EMIT optionsChanged();
    });

    connect(m_distillJob, &DistillJob::started, this, [this](quint64, int k) {
        m_distillStage.clear();
        Q_EMIT jobStarted(kDistillJob, tr("Distilling a student at k=%1").arg(k));
        Q_EMIT optionsChanged();
    });
    connect(m_distillJob, &DistillJob::progress, this, [this](double f, const QString& stage) {
        m_distillStage = stage;
        Q_EMIT jobProgress(kDistillJob, f, stage);
    });
    connect(m_distillJob, &DistillJob::finished, this, &CoreLatentProvider::onDistilled);
    connect(m_distillJob, &DistillJob::failed, this, [this](quint64 sessionId, int k, const QString& message) {
        Q_EMIT jobEnded(kDistillJob);
        if (!currentSession(sessionId)) return;
        Q_EMIT finding(Severity::Error, tr("Distill k=%1").arg(k), message);
        if (m_waitingDistill && m_waitingDistill->k == k) {
            const LatentChoice c = *m_waitingDistill;
            m_waitingDistill.reset();
            Q_EMIT failed(sessionId, c, message);
        }
        Q_EMIT optionsChanged();
    });
    connect(m_distillJob, &DistillJob::cancelled, this, [this](quint64 sessionId, int k) {
        Q_EMIT jobEnded(kDistillJob);
        if (!currentSession(sessionId)) return;
        Q_EMIT finding(Severity::Info, tr("Distill k=%1").arg(k), tr("distilling a student at k=%1 was cancelled").arg(k));
        if (m_waitingDistill && m_waitingDistill->k == k) {
            const LatentChoice c = *m_waitingDistill;
            m_waitingDistill.reset();
            Q_EMIT cancelled(sessionId, c);
        }
        Q_EMIT optionsChanged();
    });

    connect(m_loader, &LatentModelLoader::ready, this,
            [this](quint64 sessionId, const LatentChoice& choice, const std::shared_ptr<const Model>& model) {
                if (!currentSession(sessionId)) return;
                if (choice.method == LatentMethod::Pca) m_folds.insert(choice.k, model);
                if (const CatalogEntry* e = choice.method == LatentMethod::Trained ? trainedEntry(static_cast<int>(choice.k), latentSeed(choice)) : nullptr)
                    m_loaded.insert(qs(e->path), model);
                Q_EMIT modelReady(sessionId, choice, model);
            });
    connect(m_loader, &LatentModelLoader::failed, this, [this](quint64 sessionId, const LatentChoice& choice, const QString& message) {
        if (currentSession(sessionId)) Q_EMIT failed(sessionId, choice, message);
    });
}

CoreLatentProvider::~CoreLatentProvider() {
    m_statsJob->cancel();
    m_distillJob->cancel();
}

int CoreLatentProvider::channels() const {
    if (!m_session) return 0;
    const ModelInfo info = m_session->model->info();
    return info.inputShape.empty() ? 0 : static_cast<int>(info.inputShape[0]);
}

// --- session --------------------------------------------------------------------------------

void CoreLatentProvider::sessionOpened(const SessionPtr& session) {
    m_statsJob->cancel();
    m_distillJob->cancel();
    m_waitingDistill.reset();
    m_session = session;
    m_isDemo = session && QFileInfo(session->info.modelPath).canonicalFilePath() ==
                              QFileInfo(QString::fromStdString(demoModelPath())).canonicalFilePath();
    m_stats.reset();
    m_statsError.clear();
    m_statsProgress = 0;
    m_folds.clear();
    m_loaded.clear();
    m_distilled.clear();
    m_trained.clear();
    m_catalog = LatentCatalog();
    m_catalogReady = false;
    if (!session) return;
    // The statistics serve PCA and distillation, which need a latent to reduce.
    if (const std::string why = whyNoLatentMethod(LatentMethod::Pca, *session->model); why.empty()) {
        Q_EMIT jobStarted(kStatsJob, tr("PCA statistics of mu"));
        m_statsJob->start(session);
    } else {
        m_statsError = qs(why);
    }
    rescanCatalog();
}

void CoreLatentProvider::onStatistics(const CalibrationResult& result) {
    Q_EMIT jobEnded(kStatsJob);
    if (!currentSession(result.sessionId)) return;
    m_stats = result;
    for (const auto& n : result.notes) Q_EMIT finding(Severity::Warning, tr("PCA statistics"), n);
    Q_EMIT optionsChanged();
}

double CoreLatentProvider::explainedVariance(int k) const {
    const auto s = statistics();
    return s ? s->explainedVariance(k) : std::numeric_limits<double>::quiet_NaN();
}

// --- trained catalog ------------------------------------------------------------------------

void CoreLatentProvider::addTrainedFolder(const QString& folder) {
    const QString f = QFileInfo(folder).absoluteFilePath();
    if (!m_folders.contains(f)) {
        m_folders << f;
        QSettings().setValue(kFoldersKey, m_folders);
    }
    if (m_session) rescanCatalog();
}

void CoreLatentProvider::clearTrainedFolders() {
    m_folders.clear();
    QSettings().remove(kFoldersKey);
    if (m_session) rescanCatalog();
}

void CoreLatentProvider::setUseDemoCatalog(bool use) {
    if (use == m_useDemoCatalog) return;
    m_useDemoCatalog = use;
    if (m_session) rescanCatalog();
}

void CoreLatentProvider::rescanCatalog() {
    m_catalogReady = false;
    const quint64 sessionId = m_session->id;
    const QStringList folders = m_folders;
    const bool demo = m_useDemoCatalog && m_isDemo;
    // Headers only, but a folder may sit on a slow disk: never on the UI thread. A newer scan
    // supersedes an older one, whose catalog is then dropped unseen.
    m_catalogScan.start([sessionId, folders, demo](const ProgressSink&) {
        auto scan = std::make_shared<CatalogScan>();
        scan->sessionId = sessionId;
        scan->catalog = demo ? demoLatentCatalog() : LatentCatalog();
        for (const auto& f : folders) scan->catalog.addFolder(f.toStdString());
        return scan;
    });
}

void CoreLatentProvider::onCatalog(quint64 sessionId, const LatentCatalog& catalog) {
    if (!currentSession(sessionId)) return;
    m_catalog = catalog;
    m_catalogReady = true;
    m_trained.clear();
    m_loaded.clear();
    const ModelInfo info = m_session->model->info();
    for (const auto& w : catalog.warnings()) Q_EMIT finding(Severity::Info, tr("Trained models"), qs(w));
    for (const CatalogEntry& e : catalog.entries()) {
        // The same selection core makes (catalogModelsFor): this architecture, this input.
        if (e.method != "trained" || e.arch != info.arch || info.inputShape.empty() || e.channels != info.inputShape[0]) continue;
        if (!e.seed) {
            Q_EMIT finding(Severity::Warning, tr("Trained models"), tr("%1: no seed in its metadata; not offered").arg(qs(e.path)));
            continue;
        }
        QVector<CatalogEntry>& at = m_trained[static_cast<int>(e.latentDim)];
        const bool dup = std::any_of(at.begin(), at.end(), [&](const CatalogEntry& o) { return o.seed == e.seed; });
        if (dup) continue;  // the catalog warns about duplicate seeds; the first file wins
        at.push_back(e);
    }
    for (auto& list : m_trained)
        std::sort(list.begin(), list.end(), [](const CatalogEntry& a, const CatalogEntry& b) { return *a.seed < *b.seed; });
    Q_EMIT optionsChanged();
}

Estimate CoreLatentProvider::trainedMse(int latentDim) const {
    std::vector<double> mses;
    for (const auto& e : m_trained.value(latentDim))
        if (e.testMse) mses.push_back(*e.testMse);
    if (mses.empty()) return Estimate{};
    return tMeanCI(mses);
}

const CatalogEntry* CoreLatentProvider::trainedEntry(int latentDim, int seed) const {
    const auto it = m_trained.constFind(latentDim);
    if (it == m_trained.constEnd()) return nullptr;
    for (const auto& e : *it)
        if (e.seed && static_cast<int>(*e.seed) == seed) return &e;
    return nullptr;
}

// --- distilled ------------------------------------------------------------------------------

bool CoreLatentProvider::distill(int k) {
    const int L = m_session ? static_cast<int>(m_session->info.latentDim) : 0;
    if (!m_session || !whyNoDistillation(*m_session->model).empty() || !statistics() || k < 1 || k >= L) return false;
    if (m_distilled.contains(k) || distillingK() == k) return true;
    DistillRequest req;
    req.session = m_session;
    req.stats = statistics();
    req.k = k;
    req.settings = m_distillSettings;
    for (const auto& e : m_trained.value(k)) req.scratchPaths << qs(e.path);
    m_distillJob->request(req);
    Q_EMIT optionsChanged();
    return true;
}

const DistilledModel* CoreLatentProvider::distilled(int k) const {
    const auto it = m_distilled.constFind(k);
    return it == m_distilled.constEnd() ? nullptr : &*it;
}

void CoreLatentProvider::onDistilled(const DistilledModel& r) {
    Q_EMIT jobEnded(kDistillJob);
    if (!currentSession(r.sessionId)) return;
    m_distilled.insert(r.k, r);
    for (const auto& w : r.warnings) Q_EMIT finding(Severity::Warning, tr("Distill k=%1").arg(r.k), w);
    const QString gap = r.gapDefined ? tr("gap recovered %1 vs %2 scratch model(s)").arg(formatEstimate(r.gap, 3)).arg(r.scratchModels)
                                     : r.gapNote;
    Q_EMIT finding(Severity::Info, tr("Distill k=%1").arg(r.k),
                   tr("student ready after %1 epoch(s) (%2 s): %3").arg(r.epochsRun).arg(r.seconds, 0, 'f', 1).arg(gap));
    Q_EMIT optionsChanged();
    if (m_waitingDistill && m_waitingDistill->k == r.k) {
        const LatentChoice c = *m_waitingDistill;
        m_waitingDistill.reset();
        Q_EMIT modelReady(r.sessionId, c, r.model);
    }
}

void CoreLatentProvider::cancelJob(const QString& id) {
    if (id == kStatsJob) m_statsJob->cancel();
    else if (id == kDistillJob) m_distillJob->cancel();
}

// --- the seam -------------------------------------------------------------------------------

LatentOptions CoreLatentProvider::options(const SessionPtr& session) const {
    LatentOptions o;
    if (!session || !currentSession(session->id)) return o;
    const int L = static_cast<int>(session->info.latentDim);
    o.originalK = L;
    o.methods.push_back({LatentMethod::Original, {L}, {}, {}, false, tr("the model as loaded")});

    LatentMethodOptions pca{LatentMethod::Pca, {}, {}, {}, false, {}};
    if (m_stats) {
        for (int k = 1; k <= L; ++k) pca.ks << k;
        pca.summary = tr("statistics of mu on %1 training images").arg(m_stats->n);
    } else if (!m_statsError.isEmpty()) {
        pca.unavailableReason = m_statsError;
    } else {
        pca.unavailableReason = tr("collecting the statistics of mu on the training images (see the status bar)…");
    }
    o.methods.push_back(pca);

    LatentMethodOptions trained{LatentMethod::Trained, {}, {}, {}, false, {}};
    for (auto it = m_trained.constBegin(); it != m_trained.constEnd(); ++it) {
        trained.ks << it.key();
        QVector<int> seeds;
        for (const auto& e : *it) seeds << static_cast<int>(*e.seed);
        trained.seeds << seeds;
    }
    if (trained.ks.isEmpty())
        trained.unavailableReason = !m_catalogReady ? tr("reading the catalog of trained models…")
                                                    : tr("no trained %1 with %2 channel(s) in the catalog: File → Add trained models folder… "
                                                         "(e.g. a `pareto sweep-latent` cache)").arg(session->info.arch).arg(channels());
    if (const std::string why = whyNoLatentMethod(LatentMethod::Trained, *session->model); !why.empty())
        trained.unavailableReason = qs(why);
    else
        trained.summary = tr("%1 checkpoint(s) trained from scratch").arg(std::accumulate(m_trained.begin(), m_trained.end(), 0,
                                                                            [](int n, const QVector<CatalogEntry>& v) { return n + v.size(); }));
    o.methods.push_back(trained);

    LatentMethodOptions dist{LatentMethod::Distilled, {}, {}, {}, false, {}};
    if (const std::string why = whyNoDistillation(*session->model); !why.empty()) {
        dist.unavailableReason = qs(why);
    } else if (!m_stats) {
        dist.unavailableReason = tr("a student starts from the PCA fold: it needs the statistics of mu first");
    } else {
        dist.onDemand = true;
        QList<int> ks = m_distilled.keys();
        if (const int running = distillingK(); running > 0 && !ks.contains(running)) ks << running;
        if (m_waitingDistill && !ks.contains(m_waitingDistill->k)) ks << m_waitingDistill->k;
        std::sort(ks.begin(), ks.end());
        for (int k : ks) dist.ks << k;
        dist.summary = tr("students fine-tuned from the PCA fold, on demand");
    }
    o.methods.push_back(dist);
    return o;
}

void CoreLatentProvider::requestModel(const SessionPtr& session, const LatentChoice& choice) {
    if (!session) return;
    const quint64 id = session->id;
    if (!currentSession(id)) {
        Q_EMIT failed(id, choice, tr("the session changed"));
        return;
    }
    const int L = static_cast<int>(session->info.latentDim);
    switch (choice.method) {
    case LatentMethod::Original:
        if (choice.k == L) Q_EMIT modelReady(id, choice, session->model);
        else Q_EMIT failed(id, choice, tr("the loaded model has L = %1, not %2").arg(L).arg(choice.k));
        return;
    case LatentMethod::Pca: {
        const auto stats = statistics();
        if (!stats || choice.k < 1 || choice.k > L) {
            Q_EMIT failed(id, choice, stats ? tr("PCA k=%1 is outside 1..%2").arg(choice.k).arg(L) : tr("the statistics of mu are not ready"));
            return;
        }
        if (const auto it = m_folds.constFind(choice.k); it != m_folds.constEnd()) {
            Q_EMIT modelReady(id, choice, *it);
            return;
        }
        LatentVariantSources sources;
        sources.original = session->model;
        sources.originalPath = session->info.modelPath.toStdString();
        sources.statistics = stats;
        m_loader->request({id, choice, [sources, choice]() -> LatentModelOutcome {
                               auto v = buildLatentVariant(choice, sources);
                               if (!v) return {nullptr, qs(v.error().message)};
                               return {v->model, {}};
                           }});
        return;
    }
    case LatentMethod::Trained: {
        const CatalogEntry* e = trainedEntry(static_cast<int>(choice.k), latentSeed(choice));
        if (!e) {
            Q_EMIT failed(id, choice, tr("no trained model at k=%1 with seed %2 in the catalog").arg(choice.k).arg(latentSeed(choice)));
            return;
        }
        const QString path = qs(e->path);
        if (const auto it = m_loaded.constFind(path); it != m_loaded.constEnd()) {
            Q_EMIT modelReady(id, choice, *it);
            return;
        }
        const ModelInfo original = session->model->info();
        const int64_t k = choice.k;
        m_loader->request({id, choice, [path, original, k]() -> LatentModelOutcome {
                               auto m = loadTrainedModel(path.toStdString(), k, original);
                               if (!m) return {nullptr, qs(m.error().message)};
                               return {*m, {}};
                           }});
        return;
    }
    case LatentMethod::Distilled:
        if (const DistilledModel* d = distilled(choice.k)) {
            Q_EMIT modelReady(id, choice, d->model);
            return;
        }
        if (!distill(choice.k)) {
            Q_EMIT failed(id, choice, tr("a student at k=%1 cannot be distilled here (k must be in 1..%2, with the PCA statistics in)").arg(choice.k).arg(L - 1));
            return;
        }
        m_waitingDistill = choice;
        Q_EMIT optionsChanged();
        return;
    }
}

QString CoreLatentProvider::headline(const SessionPtr& session, const LatentChoice& choice) const {
    if (!session || !currentSession(session->id)) return latentLabel(choice);
    switch (choice.method) {
    case LatentMethod::Original:
        return session->info.latentKind == QLatin1String("none") ? tr("no latent to reduce") : tr("original L = %1").arg(choice.k);
    case LatentMethod::Pca:
        return m_stats ? tr("PCA k = %1 · keeps %2 of mu's variance").arg(choice.k).arg(percent(explainedVariance(choice.k)))
                       : tr("PCA k = %1").arg(choice.k);
    case LatentMethod::Trained: {
        const Estimate mse = trainedMse(choice.k);
        if (mse.n == 0) return tr("trained k = %1 · seed %2").arg(choice.k).arg(latentSeed(choice));
        return tr("trained k = %1 · MSE %2 ± %3 over %4 seed(s)")
            .arg(choice.k)
            .arg(formatNumber(mse.mean, 3), formatNumber((mse.hi - mse.lo) / 2.0, 2))
            .arg(mse.n);
    }
    case LatentMethod::Distilled:
        if (const DistilledModel* d = distilled(choice.k))
            return d->gapDefined ? tr("distilled k = %1 · gap recovered %2").arg(choice.k).arg(formatNumber(d->gap.mean, 3))
                                 : tr("distilled k = %1 · %2 epoch(s)").arg(choice.k).arg(d->epochsRun);
        return tr("distilled k = %1 · distilling…").arg(choice.k);
    }
    return latentLabel(choice);
}

QString CoreLatentProvider::describe(const SessionPtr& session, const LatentChoice& choice) const {
    if (!session || !currentSession(session->id)) return {};
    const SessionInfo& info = session->info;
    switch (choice.method) {
    case LatentMethod::Original:
        if (!info.latentReason.isEmpty()) return tr("The latent slider is off: %1.").arg(info.latentReason.toHtmlEscaped());
        if (info.latentKind == QLatin1String("codebook"))
            return tr("The loaded model's own codes: width %1, one of them at every position.").arg(info.latentDim);
        return info.latentKind == QLatin1String("spatial") ? tr("The loaded model's own code: %1 channels at every position.").arg(info.latentDim)
                                                           : tr("The loaded model's own L = %1.").arg(info.latentDim);
    case LatentMethod::Pca: {
        if (!m_stats) return tr("PCA: collecting the statistics of mu…");
        // Folded where the weights allow it (a real, smaller model), else a projection between
        // encode and decode whose basis and mean count in the size.
        const QString how = session->model->latentReductions().fold
                                ? tr("folded into the weights (a smaller model of the same architecture)")
                                : tr("as a projection between encode and decode (its %1 × k basis and mean count in the size)").arg(info.latentDim);
        // A codebook's PCA is of its code vectors (exact for k >= their rank), not of data.
        if (info.latentKind == QLatin1String("codebook"))
            return tr("Top %1 of %2 principal directions of the codebook's %3 code vectors, %4: keeps <b>%5</b> of their variance "
                      "(exact, the same codes at every position, once it keeps 100 %). Training-free.")
                .arg(choice.k)
                .arg(info.latentDim)
                .arg(m_stats->n)
                .arg(how, percent(explainedVariance(choice.k)));
        const QString over = info.latentKind == QLatin1String("spatial") ? tr("the %1-channel codes at every position").arg(info.latentDim) : tr("mu");
        return tr("Top %1 of %2 principal directions of %3, %4: keeps <b>%5</b> of the variance (statistics on %6 training images). "
                  "Training-free.")
            .arg(choice.k)
            .arg(info.latentDim)
            .arg(over, how, percent(explainedVariance(choice.k)))
            .arg(m_stats->n);
    }
    case LatentMethod::Trained: {
        const QVector<CatalogEntry> entries = m_trained.value(choice.k);
        const CatalogEntry* e = trainedEntry(static_cast<int>(choice.k), latentSeed(choice));
        QString text = tr("Trained from scratch at L = %1.").arg(choice.k);
        const Estimate mse = trainedMse(choice.k);
        if (mse.n > 0)
            text += tr(" Held-out MSE <b>%1 ± %2</b> (mean over <b>n = %3 seed%4</b>, 95 % t-CI [%5, %6]), as stored at training")
                        .arg(formatNumber(mse.mean, 4), formatNumber((mse.hi - mse.lo) / 2.0, 2))
                        .arg(mse.n)
                        .arg(mse.n == 1 ? QString() : QStringLiteral("s"))
                        .arg(formatNumber(mse.lo, 4), formatNumber(mse.hi, 4));
        else
            text += tr(" No held-out MSE stored in the checkpoints (%1 seed(s)).").arg(entries.size());
        if (e && !e->testData.empty()) text += tr(" on %1").arg(qs(e->testData).toHtmlEscaped());
        text += QLatin1Char('.');
        if (mse.n == 1) text += tr(" One seed: no spread over seeds to show.");
        if (e) {
            // Sweep caches name files by a 64-digit hash: keep the line breakable.
            QString name = QFileInfo(qs(e->path)).fileName();
            if (name.size() > 36) name = name.left(16) + QStringLiteral("…") + name.right(18);
            text += tr(" Preview: seed %1, %2.").arg(latentSeed(choice)).arg(name.toHtmlEscaped());
        }
        return text;
    }
    case LatentMethod::Distilled: {
        if (const DistilledModel* d = distilled(choice.k)) {
            QString text = tr("Student at k = %1 fine-tuned from the PCA fold (which kept %2 of mu's variance): %3 epoch(s), best %4, "
                              "%5 s/epoch on %6 training images.")
                               .arg(d->k)
                               .arg(percent(d->explainedVariance))
                               .arg(d->epochsRun)
                               .arg(d->bestEpoch)
                               .arg(d->secondsPerEpoch, 0, 'f', 1)
                               .arg(d->trainImages);
            if (d->gapDefined)
                text += tr(" Gap recovered <b>%1</b> vs %2 model(s) trained from scratch at k (n = %3 held-out images; MSE: fold %4, student %5, scratch %6).")
                            .arg(formatEstimate(d->gap, 3))
                            .arg(d->scratchModels)
                            .arg(d->n)
                            .arg(formatNumber(d->msePca, 4), formatNumber(d->mseStudent, 4), formatNumber(d->mseScratch, 4));
            else
                text += tr(" Gap recovered: undefined — %1 (MSE: fold %2, student %3).")
                            .arg(d->gapNote.toHtmlEscaped(), formatNumber(d->msePca, 4), formatNumber(d->mseStudent, 4));
            return text;
        }
        if (distillingK() == choice.k)
            return tr("Distilling a student at k = %1 (%2 epochs)… %3. Cancel in the status bar.")
                .arg(choice.k)
                .arg(m_distillSettings.epochs)
                .arg(m_distillStage.toHtmlEscaped());
        return tr("No student at k = %1 yet.").arg(choice.k);
    }
    }
    return {};
}

QString CoreLatentProvider::provenance(const SessionPtr& session, const LatentChoice& choice) const {
    if (!session) return {};
    const QString loaded = LatentModelProvider::provenance(session, choice);
    switch (choice.method) {
    case LatentMethod::Original: return loaded;
    case LatentMethod::Pca:
        return tr("PCA latent reduction %1 -> %2 of the model %3: the top %2 principal directions of the latent, %6 "
                  "(statistics on %4, keeps %5 of the variance), chosen in Pareto Studio")
            .arg(session->info.latentDim)
            .arg(choice.k)
            .arg(loaded, m_stats ? m_stats->dataIdentity : tr("?"), percent(explainedVariance(choice.k)),
                 session->model->latentReductions().fold ? tr("folded into the weights") : tr("projected between encode and decode"));
    case LatentMethod::Trained: {
        const CatalogEntry* e = trainedEntry(static_cast<int>(choice.k), latentSeed(choice));
        return tr("%6 trained from scratch at L=%1 (seed %2): %3%4; chosen in Pareto Studio as the trained latent alternative to %5")
            .arg(choice.k)
            .arg(latentSeed(choice))
            .arg(e ? qs(e->path) : tr("?"), e && !e->command.empty() ? tr(" (%1)").arg(qs(e->command)) : QString(), session->info.modelPath,
                 e ? qs(e->arch) : session->info.arch);
    }
    case LatentMethod::Distilled: {
        const DistilledModel* d = distilled(choice.k);
        if (!d) return loaded;
        return tr("student distilled at k=%1 from the PCA fold of the model %2: %3 epoch(s) (best %4) on %5, teacher weight %6, lr %7, "
                  "beta %8, seed %9; chosen in Pareto Studio")
            .arg(d->k)
            .arg(loaded)
            .arg(d->epochsRun)
            .arg(d->bestEpoch)
            .arg(d->trainData)
            .arg(d->settings.teacherWeight)
            .arg(d->settings.learningRate)
            .arg(d->settings.beta)
            .arg(d->settings.seed);
    }
    }
    return loaded;
}

QString CoreLatentProvider::sourceCheckpoint(const SessionPtr& session, const LatentChoice& choice) const {
    if (choice.method == LatentMethod::Trained)
        if (const CatalogEntry* e = trainedEntry(static_cast<int>(choice.k), latentSeed(choice))) return qs(e->path);
    return LatentModelProvider::sourceCheckpoint(session, choice);
}

}  // namespace pareto::ui
