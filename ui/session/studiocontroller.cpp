// SPDX-License-Identifier: Apache-2.0
#include "session/studiocontroller.h"

#include "jobs/metricsjob.h"
#include "jobs/previewjob.h"
#include "jobs/sweepjob.h"
#include "latent/originallatentprovider.h"
#include "session/evaluatedconfigs.h"
#include "session/sessionloadjob.h"
#include "session/truststore.h"
#include "common/uiformat.h"

#include "eval/evaluator.h"
#include "eval/metrics.h"
#include "eval/modelevaluation.h"

#include <QFileInfo>

#include <algorithm>
#include <numeric>

namespace pareto::ui {
namespace {

// The held-out metrics start once the sliders rest this long: while the user drags, the two
// cores go to the previews.
constexpr int kMetricsDelayMs = 150;

EvaluatedConfig baselineRecord(const SessionData& s) {
    EvaluatedConfig c;
    c.config = StudioConfig{LatentChoice{LatentMethod::Original, static_cast<int>(s.info.latentDim)}, QuantScheme::fp32()};
    c.key = c.config.key();
    c.label = c.config.label();
    c.source = QStringLiteral("baseline");
    c.baseline = true;
    c.weightsId = s.info.weightsHash + QStringLiteral("|fp32");
    c.params = s.info.params;
    c.bytes = c.fp32Bytes = c.originalFp32Bytes = s.info.fp32Bytes;
    c.ratio = 1.0;
    c.bitsPerParam = 32.0;
    c.n = c.total = s.info.n;
    c.complete = true;
    c.mse = s.info.mse;
    c.psnr = s.info.psnr;
    c.ssim = s.info.ssim;
    const PairedDeltas zero = pairedDeltas(s.fp32->perImage, s.fp32->perImage);
    c.deltaMse = zero.mse;
    c.deltaPsnr = zero.psnr;
    c.deltaSsim = zero.ssim;
    c.perImage = std::make_shared<const PerImageMetrics>(s.fp32->perImage);
    return c;
}

}  // namespace

StudioController::StudioController(QObject* parent)
    : QObject(parent),
      m_load(new SessionLoadJob(this)),
      m_previewJob(new PreviewJob(this)),
      m_metricsJob(new MetricsJob(this)),
      m_sweep(new SweepJob(this)),
      m_sensitivityJob(new SensitivityJob(this)),
      m_configs(new EvaluatedConfigs(this)) {
    // current - A: 3 x 1000 bootstrap resamples, small but not UI-thread work.
    m_compare = std::make_unique<BackgroundWorker<Comparison>>(
        this, nullptr,
        [this](const std::shared_ptr<Comparison>& c) {
            if (!c || !m_pinned || c->keyA != m_pinned->record.key || c->keyCurrent != currentConfig().key()) return;  // stale
            m_comparison = *c;
            Q_EMIT comparisonChanged();
        },
        tr("Comparing with A"));
    setLatentProvider(new OriginalLatentProvider);
    m_metricsDelay.setSingleShot(true);
    m_metricsDelay.setInterval(kMetricsDelayMs);
    connect(&m_metricsDelay, &QTimer::timeout, this, &StudioController::startMetrics);

    connect(m_load, &SessionLoadJob::progress, this, &StudioController::loadProgress);
    connect(m_load, &SessionLoadJob::loaded, this, &StudioController::onSessionLoaded);
    connect(m_load, &SessionLoadJob::failed, this, [this](const QString& message) {
        Q_EMIT finding(Severity::Error, tr("Open"), message);
        Q_EMIT loadEnded();
        Q_EMIT loadFailed(m_loadingPath, message);
        checkSettled();
    });
    connect(m_load, &SessionLoadJob::trustNeeded, this, [this](const QString& path, const QString& sha256, const QString& message) {
        m_pendingTrust = {path, sha256, m_dataSpec, m_split, m_limit};
        Q_EMIT loadEnded();
        Q_EMIT trustRequested(path, message);
        checkSettled();
    });
    connect(m_load, &SessionLoadJob::cancelled, this, [this] {
        Q_EMIT finding(Severity::Info, tr("Open"), tr("Opening %1 was cancelled").arg(m_loadingPath));
        Q_EMIT loadEnded();
        checkSettled();
    });

    connect(m_previewJob, &PreviewJob::ready, this, &StudioController::onPreview);
    connect(m_previewJob, &PreviewJob::failed, this, [this](quint64 generation, const QString& key, const QString& message) {
        if (generation != m_generation) return;
        m_previewError = message;
        m_previewErrorGeneration = generation;
        Q_EMIT finding(Severity::Error, key, message);
        Q_EMIT previewChanged();
        checkSettled();
    });
    connect(m_metricsJob, &MetricsJob::updated, this, &StudioController::onMetrics);
    connect(m_metricsJob, &MetricsJob::failed, this, [this](quint64, const QString& key, const QString& message) {
        Q_EMIT finding(Severity::Error, key, message);
        checkSettled();
    });

    connect(m_sweep, &SweepJob::started, this, &StudioController::sweepStarted);
    connect(m_sweep, &SweepJob::progress, this, &StudioController::sweepProgress);
    connect(m_sweep, &SweepJob::rowReady, this, [this](const EvaluatedConfig& row) {
        if (m_session && m_session->id == m_sweepSession) m_configs->upsert(row);
    });
    connect(m_sweep, &SweepJob::finished, this,
            [this](int rows, int planned, bool cancelled, const QString& error, const QStringList& warnings) {
                for (const auto& w : warnings) Q_EMIT finding(Severity::Warning, tr("Sweep"), w);
                if (!error.isEmpty()) Q_EMIT finding(Severity::Error, tr("Sweep"), error);
                if (cancelled)
                    Q_EMIT finding(Severity::Info, tr("Sweep"), tr("Sweep cancelled after %1 of %2 configurations").arg(rows).arg(planned));
                Q_EMIT sweepEnded(rows, planned, cancelled);
            });

    connect(m_sensitivityJob, &SensitivityJob::progress, this, &StudioController::sensitivityProgress);
    connect(m_sensitivityJob, &SensitivityJob::finished, this, [this](const SensitivityResult& r) {
        m_sensitivity = r;
        Q_EMIT sensitivityChanged();
        Q_EMIT sensitivityEnded();
    });
    connect(m_sensitivityJob, &SensitivityJob::failed, this, [this](const QString& message) {
        Q_EMIT finding(Severity::Error, tr("Sensitivity"), message);
        Q_EMIT sensitivityEnded();
    });
    connect(m_sensitivityJob, &SensitivityJob::cancelled, this, [this] {
        Q_EMIT finding(Severity::Info, tr("Sensitivity"), tr("Per-layer sensitivity cancelled"));
        Q_EMIT sensitivityEnded();
    });


}

StudioController::~StudioController() {
    // Stop everything first so the jobs' destructors (they wait) return quickly.
    m_load->cancel();
    m_metricsJob->cancel();
    m_sweep->cancel();
    m_sensitivityJob->cancel();
}

// --- session ------------------------------------------------------------------------------

void StudioController::openModel(const QString& path, const QString& dataSpec, const QString& split, qint64 limit) {
    m_dataSpec = dataSpec;
    m_split = split;
    m_limit = limit;
    m_loadingPath = path;
    m_wasSettled = false;
    m_pendingTrust = {};
    Q_EMIT loadStarted(tr("Opening %1").arg(QFileInfo(path).fileName()));
    m_load->start(SessionRequest{path, nullptr, dataSpec, split, limit, TrustStore::trustedHashes(), TrustStore::trustAll(), m_input});
}

void StudioController::trustPendingAndOpen() {
    if (m_pendingTrust.path.isEmpty()) return;
    const PendingTrust p = m_pendingTrust;
    TrustStore::trust(p.sha256);
    openModel(p.path, p.dataSpec, p.split, p.limit);
}

void StudioController::declinePending() {
    if (m_pendingTrust.path.isEmpty()) return;
    Q_EMIT finding(Severity::Info, tr("Open"), tr("Did not open %1: it is a program and was not trusted").arg(m_pendingTrust.path));
    m_pendingTrust = {};
    checkSettled();
}

void StudioController::openModelKeepingData(const QString& path) { openModel(path, m_dataSpec, m_split, m_limit); }

void StudioController::setData(const QString& dataSpec, const QString& split, qint64 limit) {
    if (!m_session) {
        if (!m_loadingPath.isEmpty()) openModel(m_loadingPath, dataSpec, split, limit);
        return;
    }
    m_dataSpec = dataSpec;
    m_split = split;
    m_limit = limit;
    m_loadingPath = m_session->info.modelPath;
    m_wasSettled = false;
    Q_EMIT loadStarted(tr("Loading %1").arg(dataSpec));
    m_load->start(SessionRequest{QString(), m_session, dataSpec, split, limit, TrustStore::trustedHashes(), TrustStore::trustAll(), m_input});
}

void StudioController::cancelLoad() { m_load->cancel(); }

bool StudioController::isLoading() const { return m_load->isRunning(); }

void StudioController::onSessionLoaded(const SessionPtr& session) {
    m_sweep->cancel();
    m_sensitivityJob->cancel();
    m_metricsJob->cancel();
    m_metricsDelay.stop();
    m_session = session;
    m_dataSpec = session->info.dataSpec;
    m_configs->clear();
    m_pinned.reset();
    m_comparison.reset();
    m_sensitivity.reset();
    m_worst.clear();
    m_worstLabel.clear();
    m_running.reset();
    m_metricsKey.clear();
    m_preview.reset();
    m_previewError.clear();
    m_latent = m_readyLatent = LatentChoice{LatentMethod::Original, static_cast<int>(session->info.latentDim)};
    m_base = m_readyBase = session->model;
    m_latentPending = false;
    m_configs->setMeanImage(MeanImageFigures{session->info.meanImageMse, session->info.meanImagePsnr, session->info.meanImageSsim, true});
    m_configs->upsert(baselineRecord(*session));
    m_latentProvider->sessionOpened(session);

    const SessionInfo& info = session->info;
    const QString model = QFileInfo(info.modelPath).fileName();
    for (const auto& n : info.modelNotes) Q_EMIT finding(Severity::Info, model, n);
    for (const auto& n : info.dataNotes) Q_EMIT finding(Severity::Info, tr("Data"), n);
    if (info.untrainedWarning) Q_EMIT finding(Severity::Warning, model, info.untrainedReason);
    if (!info.quantizable)
        Q_EMIT finding(Severity::Warning, model, tr("the model has no Conv, ConvTranspose, Linear or Embedding weight: there is nothing to quantize, every size stays FP32"));

    Q_EMIT loadEnded();
    Q_EMIT sessionChanged();
    Q_EMIT latentOptionsChanged();
    Q_EMIT pinnedChanged();
    Q_EMIT sensitivityChanged();
    configurationChanged();
}

// --- configuration ------------------------------------------------------------------------

void StudioController::setScheme(const QuantScheme& scheme) {
    if (scheme == m_scheme) return;
    m_scheme = scheme;
    configurationChanged();
}

void StudioController::setLatentChoice(const LatentChoice& choice) {
    if (choice == m_latent || !m_session) return;
    m_latent = choice;
    m_base.reset();
    m_latentPending = true;
    m_latentProvider->requestModel(m_session, choice);  // may answer at once (cached models)
    if (m_latentPending) configurationChanged();          // the panels show the choice while its model is made
}

void StudioController::revertLatent() {
    m_latent = m_readyLatent;
    m_base = m_readyBase;
    m_latentPending = false;
    Q_EMIT latentOptionsChanged();
    configurationChanged();
}

LatentOptions StudioController::latentOptions() const { return m_latentProvider->options(m_session); }

QString StudioController::latentDescription() const { return m_latentProvider->describe(m_session, m_latent); }
QString StudioController::latentHeadline() const { return m_latentProvider->headline(m_session, m_latent); }

void StudioController::setLatentProvider(LatentModelProvider* provider) {
    delete m_latentProvider;
    m_latentProvider = provider;
    provider->setParent(this);
    connect(provider, &LatentModelProvider::modelReady, this,
            [this](quint64 sessionId, const LatentChoice& choice, const std::shared_ptr<const Model>& model) {
                if (!m_session || sessionId != m_session->id || choice != m_latent || !m_latentPending) return;  // the user moved on
                m_base = m_readyBase = model;
                m_readyLatent = choice;
                m_latentPending = false;
                configurationChanged();
            });
    connect(provider, &LatentModelProvider::failed, this, [this](quint64 sessionId, const LatentChoice& choice, const QString& message) {
        if (!m_session || sessionId != m_session->id) return;
        Q_EMIT finding(Severity::Error, tr("Latent %1").arg(latentLabel(choice)), message);
        if (choice == m_latent && m_latentPending) revertLatent();
    });
    connect(provider, &LatentModelProvider::cancelled, this, [this](quint64 sessionId, const LatentChoice& choice) {
        if (m_session && sessionId == m_session->id && choice == m_latent && m_latentPending) revertLatent();
    });
    connect(provider, &LatentModelProvider::optionsChanged, this, &StudioController::latentOptionsChanged);
    connect(provider, &LatentModelProvider::finding, this, &StudioController::finding);
}

void StudioController::configurationChanged() {
    m_wasSettled = false;
    m_metricsDelay.stop();
    const QString key = currentConfig().key();
    if (m_metricsKey != key) {
        m_metricsJob->cancel();  // free the cores for the preview
        m_metricsKey.clear();
    }
    if (!m_running || m_running->key != key) m_running.reset();
    m_comparison.reset();
    Q_EMIT configChanged();
    Q_EMIT metricsChanged();
    Q_EMIT comparisonChanged();
    requestPreview();
    updateComparison();
}

// --- preview ------------------------------------------------------------------------------

void StudioController::setSampleSelection(const SampleSelection& selection) {
    if (selection.mode == m_selection.mode && selection.count == m_selection.count) return;
    m_selection = selection;
    if (m_selection.mode == SampleMode::WorstByDelta && m_worst.isEmpty()) {
        if (const EvaluatedConfig* c = currentMetrics(); c && c->complete && c->perImage) updateWorst(*c);
    }
    requestPreview();
}

void StudioController::setErrorReference(ErrorReference reference) {
    if (reference == m_reference) return;
    m_reference = reference;
    requestPreview();
}

void StudioController::setScaleLocked(bool locked) {
    if (locked == scaleLocked()) return;
    m_lockedScale = locked && m_preview ? m_preview->errorScale : 0.0f;
    if (!locked) requestPreview();
}

const PreviewResult* StudioController::preview() const {
    return m_preview && m_preview->generation == m_generation ? &*m_preview : nullptr;
}

QString StudioController::sampleDescription() const {
    if (m_selection.mode == SampleMode::First) return tr("first %1 held-out images").arg(m_selection.count);
    if (m_worstLabel.isEmpty()) return tr("worst images appear once a configuration's held-out metrics are complete");
    return tr("worst %1 by ΔMSE vs FP32 under %2").arg(m_selection.count).arg(m_worstLabel);
}

QVector<int> StudioController::sampleIndices() const {
    QVector<int> idx;
    const int n = m_session ? static_cast<int>(m_session->info.n) : 0;
    if (m_selection.mode == SampleMode::WorstByDelta && !m_worst.isEmpty()) {
        for (int i = 0; i < std::min<int>(m_selection.count, m_worst.size()); ++i) idx << m_worst[i];
        return idx;
    }
    for (int i = 0; i < std::min(m_selection.count, n); ++i) idx << i;
    return idx;
}

void StudioController::updateWorst(const EvaluatedConfig& record) {
    if (!m_session || !record.perImage) return;
    const auto& cur = record.perImage->mse;
    const auto& fp32 = m_session->fp32->perImage.mse;
    QVector<int> order(static_cast<int>(cur.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cur[a] - fp32[a] > cur[b] - fp32[b]; });
    m_worst = order;
    m_worstLabel = record.label;
}

void StudioController::requestPreview() {
    if (!m_session || !m_base) return;
    PreviewRequest req;
    req.generation = ++m_generation;
    req.session = m_session;
    req.base = m_base;
    req.config = currentConfig();
    req.indices = sampleIndices();
    req.reference = m_reference;
    req.lockedScale = m_lockedScale;
    if (m_pinned) {
        req.pinned = m_pinned->model;
        req.pinnedLabel = m_pinned->record.label;
    }
    m_wasSettled = false;
    Q_EMIT previewRequested(req.generation);
    m_previewJob->request(req);
}

void StudioController::onPreview(const PreviewResult& result) {
    if (!m_session || result.sessionId != m_session->id || result.generation != m_generation) return;  // stale
    m_preview = result;
    m_previewError.clear();
    if (result.partial) {  // the first image alone: shown now, everything else waits for the rest
        Q_EMIT previewChanged();
        return;
    }
    for (const auto& w : result.warnings) Q_EMIT finding(Severity::Warning, result.config.label(), w);
    Q_EMIT previewChanged();
    const QString key = result.key;
    if (const EvaluatedConfig* done = m_configs->find(key); done && done->complete) {
        m_running.reset();
        Q_EMIT metricsChanged();
        updateComparison();
    } else if (m_metricsKey != key) {
        m_metricsDelay.start();
    }
    checkSettled();
}

// --- metrics ------------------------------------------------------------------------------

void StudioController::startMetrics() {
    const PreviewResult* p = preview();
    if (!p || !p->model) return;
    if (const EvaluatedConfig* done = m_configs->find(p->key); done && done->complete) return;
    m_metricsKey = p->key;
    MetricsRequest req;
    req.generation = m_session->id;
    req.session = m_session;
    req.model = p->model;
    req.config = p->config;
    req.params = p->params;
    req.bytes = p->bytes;
    req.fp32Bytes = p->fp32Bytes;
    req.ratio = p->ratio;
    req.bitsPerParam = p->bitsPerParam;
    req.base = m_base;
    m_metricsJob->request(req);
}

void StudioController::onMetrics(quint64 sessionId, const EvaluatedConfig& record) {
    if (!m_session || sessionId != m_session->id) return;
    const bool current = record.key == currentConfig().key();
    if (record.complete) {
        m_configs->upsert(record);  // any complete figure of this session is worth keeping
        const SessionInfo& info = m_session->info;
        if (!record.baseline && record.mse.lo > info.meanImageMse.hi) {
            Q_EMIT finding(Severity::Warning, record.label,
                           tr("held-out MSE %1 is worse than predicting the mean image (%2): this configuration has lost what the model learned")
                               .arg(formatEstimate(record.mse, 3), formatEstimate(info.meanImageMse, 3)));
        } else if (record.config.latent.method != LatentMethod::Original) {
            // A model at another latent size is a model of its own: it must look trained before it is compared.
            const UntrainedCheck u = checkUntrained(MetricSummary{record.mse, record.psnr, record.ssim},
                                                    MetricSummary{info.meanImageMse, info.meanImagePsnr, info.meanImageSsim});
            if (u.warning)
                Q_EMIT finding(Severity::Warning, record.label,
                               tr("looks untrained: %1; compare only trained models").arg(QString::fromStdString(u.reason)));
        }
        if (m_metricsKey == record.key) m_metricsKey.clear();
        if (current) {
            m_running.reset();
            if (m_selection.mode == SampleMode::WorstByDelta) {
                const QVector<int> before = sampleIndices();
                updateWorst(record);
                if (sampleIndices() != before) requestPreview();
            } else {
                updateWorst(record);
            }
            updateComparison();
        }
    } else if (current) {
        m_running = record;
    }
    if (current) Q_EMIT metricsChanged();
    checkSettled();
}

const EvaluatedConfig* StudioController::currentMetrics() const {
    const QString key = currentConfig().key();
    if (const EvaluatedConfig* done = m_configs->find(key); done && done->complete) return done;
    if (m_running && m_running->key == key) return &*m_running;
    return nullptr;
}

// --- A vs current -------------------------------------------------------------------------

bool StudioController::canPin() const {
    const EvaluatedConfig* c = currentMetrics();
    return preview() && preview()->model && c && c->complete && c->perImage;
}

void StudioController::pinCurrent() {
    if (!canPin()) return;
    m_pinned = PinnedConfig{currentConfig(), preview()->model, *currentMetrics()};
    m_comparison.reset();
    Q_EMIT pinnedChanged();
    requestPreview();
    updateComparison();
}

void StudioController::clearPin() {
    if (!m_pinned) return;
    m_pinned.reset();
    m_comparison.reset();
    Q_EMIT pinnedChanged();
    Q_EMIT comparisonChanged();
    requestPreview();
}

const Comparison* StudioController::comparison() const {
    if (!m_comparison || !m_pinned || m_comparison->keyA != m_pinned->record.key || m_comparison->keyCurrent != currentConfig().key())
        return nullptr;
    return &*m_comparison;
}

QString StudioController::comparisonPendingReason() const {
    if (!m_pinned) return tr("nothing is pinned");
    const EvaluatedConfig* cur = currentMetrics();
    if (!cur) return m_latentPending ? tr("the comparison follows once the model at %1 is made and measured").arg(latentLabel(m_latent))
                                     : tr("the comparison follows once the current configuration's held-out metrics are measured");
    if (!cur->complete) return tr("the comparison follows when the held-out metrics are complete (n = %1 of %2)").arg(cur->n).arg(cur->total);
    if (!cur->perImage || !m_pinned->record.perImage) return tr("no comparison: per-image figures are missing for %1").arg(cur->perImage ? m_pinned->record.label : cur->label);
    if (cur->perImage->size() != m_pinned->record.perImage->size())
        return tr("no comparison: A was measured on %1 images, the current configuration on %2").arg(m_pinned->record.perImage->size()).arg(cur->perImage->size());
    return tr("comparing with A…");
}

void StudioController::updateComparison() {
    const EvaluatedConfig* cur = currentMetrics();
    if (!m_pinned || !cur || !cur->complete || !cur->perImage || !m_pinned->record.perImage) return;
    if (cur->perImage->size() != m_pinned->record.perImage->size()) return;  // comparisonPendingReason() says why
    if (comparison()) return;
    const auto a = m_pinned->record.perImage;
    const auto b = cur->perImage;
    const QString keyA = m_pinned->record.key, keyB = cur->key;
    // 3 x 1000 bootstrap resamples: small, but not UI-thread work.
    m_compare->start([a, b, keyA, keyB](const ProgressSink&) {
        const PairedDeltas d = pairedDeltas(*a, *b);
        return std::make_shared<Comparison>(Comparison{keyA, keyB, static_cast<qint64>(b->size()), d.mse, d.psnr, d.ssim});
    });
}

// --- background jobs ----------------------------------------------------------------------

bool StudioController::runSweep(const std::vector<QuantScheme>& schemes) {
    if (!m_session || !m_base || m_sweep->isRunning()) return false;
    m_sweepSession = m_session->id;
    std::vector<QuantScheme> grid = schemes;
    // At another latent size the FP32 point is a configuration of its own, not the baseline.
    if (m_latent.method != LatentMethod::Original &&
        std::none_of(grid.begin(), grid.end(), [](const QuantScheme& s) { return s.kind == QuantKind::Float32; }))
        grid.insert(grid.begin(), QuantScheme::fp32());
    return m_sweep->start(SweepRequest{m_session, m_base, m_latent, grid});
}

void StudioController::cancelSweep() { m_sweep->cancel(); }

void StudioController::clearMeasured() {
    m_configs->clearMeasured();
    // The configuration on the sliders is measured again: the panel never shows nothing.
    m_metricsKey.clear();
    m_running.reset();
    configurationChanged();
}

bool StudioController::sweepRunning() const { return m_sweep->isRunning(); }

bool StudioController::measureSensitivity(const QuantScheme& scheme, int calibrationImages) {
    if (!m_session || !m_base || m_sensitivityJob->isRunning()) return false;
    if (!m_sensitivityJob->start(SensitivityRequest{m_session, m_base, scheme, calibrationImages})) return false;
    Q_EMIT sensitivityStarted(QString::fromStdString(scheme.toString()));
    return true;
}

void StudioController::cancelSensitivity() { m_sensitivityJob->cancel(); }

bool StudioController::sensitivityRunning() const { return m_sensitivityJob->isRunning(); }

bool StudioController::isSettled() const {
    if (!m_session || m_load->isRunning() || m_latentPending) return false;
    if (m_previewError.size() && m_previewErrorGeneration == m_generation) return true;  // nothing more will come
    const EvaluatedConfig* c = currentMetrics();
    return preview() && c && c->complete;
}

void StudioController::checkSettled() {
    const bool now = isSettled() || (!m_session && !m_load->isRunning());
    if (now && !m_wasSettled) {
        m_wasSettled = true;
        Q_EMIT settled();
    }
    if (!now) m_wasSettled = false;
}

}  // namespace pareto::ui
