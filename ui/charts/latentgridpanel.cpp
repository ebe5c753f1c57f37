// SPDX-License-Identifier: Apache-2.0
#include "charts/latentgridpanel.h"

#include "charts/chartexport.h"
#include "charts/latentgridview.h"
#include "latent/corelatentprovider.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include <QCheckBox>
#include <QFileDialog>
#include "common/flowlayout.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>
#include <set>

namespace pareto::ui {
namespace {

const QString kJob = QStringLiteral("latent-grid");

QString num(double v) { return std::isnan(v) ? QString() : QString::number(v, 'g', 17); }
QString flag(bool b) { return b ? QStringLiteral("true") : QStringLiteral("false"); }

}  // namespace

LatentGridPanel::LatentGridPanel(QWidget* parent)
    : QWidget(parent),
      m_job(new LatentGridJob(this)),
      m_view(new LatentGridView(this)),
      m_pca(new QLineEdit(this)),
      m_trained(new QCheckBox(tr("trained (lowest seed)"), this)),
      m_distilled(new QCheckBox(tr("distilled"), this)),
      m_run(new QPushButton(tr("Run grid"), this)),
      m_csv(new QPushButton(tr("CSV…"), this)),
      m_status(new QLabel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    auto* bar = new FlowLayout;  // wraps on a narrow window instead of widening it
    m_pca->setObjectName(QStringLiteral("latentGridPcaBox"));
    m_pca->setPlaceholderText(tr("e.g. 4,8,12"));
    m_pca->setToolTip(tr("PCA rows: latent sizes k to fold, comma-separated (1 … L)"));
    m_pca->setMaximumWidth(140);
    m_trained->setChecked(true);
    m_trained->setToolTip(tr("One row per latent size of the trained catalog (its lowest seed)"));
    m_distilled->setChecked(true);
    m_distilled->setToolTip(tr("One row per student distilled in this session"));
    m_run->setObjectName(QStringLiteral("latentGridRunButton"));
    m_run->setToolTip(tr("Measure every row under FP32 and every scheme of the sweep grid on the held-out images, in the background"));
    m_csv->setToolTip(tr("Write the grid as CSV"));
    m_csv->setEnabled(false);
    m_status->setTextFormat(Qt::PlainText);
    bar->addWidget(new QLabel(tr("Rows: PCA k"), this));
    bar->addWidget(m_pca);
    bar->addWidget(m_trained);
    bar->addWidget(m_distilled);
    bar->addWidget(m_run);
    bar->addWidget(m_csv);
    layout->addLayout(bar);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("latentGridStatus"));
    layout->addWidget(m_status);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_view);
    layout->addWidget(scroll, 1);

    connect(m_pca, &QLineEdit::textEdited, this, [this] { m_pcaEdited = true; });
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (m_job->isRunning()) cancel();
        else run();
    });
    connect(m_csv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the latent × bits grid"), QStringLiteral("latent-grid.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty()) exportCsv(path);
    });
    connect(m_view, &LatentGridView::cellActivated, this, &LatentGridPanel::configActivated);
    connect(m_job, &LatentGridJob::started, this, [this](int points) {
        m_run->setText(tr("Cancel grid"));
        Q_EMIT jobStarted(kJob, tr("Latent × bits grid of %1 points").arg(points));
        m_status->setText(tr("measuring %1 points…").arg(points));
    });
    connect(m_job, &LatentGridJob::progress, this, [this](double f, const QString& s) {
        Q_EMIT jobProgress(kJob, f, s);
        // Here too, not only in the status bar: the tab says what it is doing while it runs.
        m_status->setText(tr("measuring… %1 % (%2)").arg(static_cast<int>(f * 100)).arg(s));
    });
    connect(m_job, &LatentGridJob::finished, this, &LatentGridPanel::onFinished);
    connect(m_job, &LatentGridJob::failed, this, [this](const QString& message) {
        m_run->setText(tr("Run grid"));
        Q_EMIT jobEnded(kJob);
        m_status->setText(tr("failed: %1").arg(message));
        if (m_controller) Q_EMIT m_controller->finding(Severity::Error, tr("Latent × bits"), message);
    });
    connect(m_job, &LatentGridJob::cancelled, this, [this] {
        m_run->setText(tr("Run grid"));
        Q_EMIT jobEnded(kJob);
        m_status->setText(tr("cancelled: nothing measured is kept (the front needs the whole grid)"));
        if (m_controller) Q_EMIT m_controller->finding(Severity::Info, tr("Latent × bits"), tr("the latent × bits grid was cancelled"));
    });
}

LatentGridPanel::~LatentGridPanel() { m_job->cancel(); }

void LatentGridPanel::setup(StudioController* controller, CoreLatentProvider* provider, std::function<std::vector<QuantScheme>()> schemes) {
    m_controller = controller;
    m_provider = provider;
    m_schemes = std::move(schemes);
    connect(controller, &StudioController::sessionChanged, this, &LatentGridPanel::sessionChanged);
    connect(controller, &StudioController::latentOptionsChanged, this, &LatentGridPanel::latentOptionsChanged);
    connect(controller, &StudioController::configChanged, this, [this] { m_view->setCurrentKey(m_controller->currentConfig().key()); });
    refreshStatus();
}

void LatentGridPanel::sessionChanged() {
    m_job->cancel();
    m_result.reset();
    m_view->setResult(nullptr);
    m_csv->setEnabled(false);
    m_pcaEdited = false;
    latentOptionsChanged();
}

void LatentGridPanel::latentOptionsChanged() {
    const SessionPtr s = m_controller ? m_controller->session() : nullptr;
    if (s && !m_pcaEdited) {
        // Default PCA rows: the trained sizes below L (PCA and training compared at the same
        // k), else L/4, L/2, 3L/4.
        const int L = static_cast<int>(s->info.latentDim);
        std::set<int> ks;
        for (auto it = m_provider->trainedModels().constBegin(); it != m_provider->trainedModels().constEnd(); ++it)
            if (it.key() < L) ks.insert(it.key());
        if (ks.empty())
            for (int k : {L / 4, L / 2, 3 * L / 4})
                if (k >= 1 && k < L) ks.insert(k);
        QStringList t;
        for (int k : ks) t << QString::number(k);
        m_pca->setText(t.join(QLatin1Char(',')));
    }
    refreshStatus();
}

void LatentGridPanel::refreshStatus() {
    if (m_job->isRunning()) return;
    const SessionPtr s = m_controller ? m_controller->session() : nullptr;
    const bool ok = s && s->info.quantizable;
    m_run->setEnabled(ok);
    m_pca->setEnabled(ok && m_provider && m_provider->statistics());
    if (!ok) m_status->setText(s ? tr("this model cannot be quantized here") : QString());
    else if (!m_result) m_status->setText(m_provider && m_provider->statistics() ? tr("columns: FP32 and the Charts panel's sweep grid")
                                                                                 : tr("PCA rows follow once the statistics of mu are in"));
}

LatentGridRequest LatentGridPanel::request() const {
    LatentGridRequest req;
    if (!m_controller || !m_controller->session() || !m_provider) return req;
    req.session = m_controller->session();
    const int L = static_cast<int>(req.session->info.latentDim);
    req.stats = m_provider->statistics();
    if (req.stats) {
        std::set<int> ks;
        for (const QString& part : m_pca->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const int k = part.trimmed().toInt(&ok);
            if (ok && k >= 1 && k <= L) ks.insert(k);
        }
        for (int k : ks) req.pcaKs << k;
    }
    if (m_trained->isChecked()) {
        const auto& trained = m_provider->trainedModels();
        for (auto it = trained.constBegin(); it != trained.constEnd(); ++it) {
            const CatalogEntry& e = it->front();  // the lowest seed, as `pareto sweep --latents trained:K`
            req.models.push_back({LatentChoice{LatentMethod::Trained, it.key(), e.seed},
                                  QString::fromStdString(e.path), nullptr, QString::fromStdString(e.path)});
        }
    }
    if (m_distilled->isChecked())
        for (int k : m_provider->distilledKs()) {
            const DistilledModel* d = m_provider->distilled(k);
            req.models.push_back({LatentChoice{LatentMethod::Distilled, k, std::nullopt}, QString(), d->model,
                                  tr("distilled from the PCA fold, %1 epoch(s)").arg(d->epochsRun)});
        }
    req.schemes = m_schemes ? m_schemes() : std::vector<QuantScheme>{};
    return req;
}

bool LatentGridPanel::run() {
    const LatentGridRequest req = request();
    if (!req.session || !req.session->info.quantizable) return false;
    m_runSession = req.session->id;
    return m_job->start(req);
}

void LatentGridPanel::cancel() { m_job->cancel(); }
void LatentGridPanel::cancelJob(const QString& id) {
    if (id == kJob) cancel();
}

bool LatentGridPanel::isRunning() const { return m_job->isRunning(); }

void LatentGridPanel::onFinished(const LatentGridResult& result) {
    m_run->setText(tr("Run grid"));
    Q_EMIT jobEnded(kJob);
    if (!m_controller->session() || result.sessionId != m_controller->session()->id) return;  // stale
    m_result = result;
    m_view->setResult(&*m_result);
    m_view->setCurrentKey(m_controller->currentConfig().key());
    m_csv->setEnabled(true);
    int front = 0;
    for (const auto& c : result.cells) front += c.valid && c.pareto;
    m_status->setText(tr("%1 points in %2 s, %3 on the front").arg(result.measured().size()).arg(result.seconds, 0, 'f', 1).arg(front));
    for (const auto& w : result.warnings) Q_EMIT m_controller->finding(Severity::Warning, tr("Latent × bits"), w);
    // Every measured point is a configuration of the session: the chart and the table show them.
    for (const LatentGridCell& c : result.measured()) {
        if (c.reference) continue;  // the session's own FP32 record keeps its per-image figures
        EvaluatedConfig e;
        e.key = c.config.key();
        e.label = c.config.label();
        e.source = QStringLiteral("latent grid");
        e.config = c.config;
        e.params = c.params;
        e.bytes = c.bytes;
        e.fp32Bytes = c.fp32Bytes;
        e.originalFp32Bytes = m_controller->session()->info.fp32Bytes;
        e.ratio = c.ratio;
        e.bitsPerParam = c.bitsPerParam;
        e.n = e.total = result.n;
        e.complete = true;
        e.mse = c.mse;
        e.psnr = c.psnr;
        e.ssim = c.ssim;
        e.deltaMse = c.deltaMse;
        e.deltaPsnr = c.deltaPsnr;
        e.deltaSsim = c.deltaSsim;
        e.perImage = c.perImage;
        e.weightsId = c.weightsId;  // any configuration the grid measured can be pinned as A
        m_controller->configs()->upsert(e);
    }
}

QString LatentGridPanel::csv() const {
    if (!m_result) return {};
    QString out = QStringLiteral(
        "configuration,method,k,seed,scheme,params,bytes,fp32_bytes,ratio,ratio_vs_original,effective_bits_per_param,explained_variance,"
        "mse,mse_lo,mse_hi,psnr,psnr_lo,psnr_hi,ssim,ssim_lo,ssim_hi");
    for (const char* m : {"mse", "psnr", "ssim"}) {
        const QString d = QStringLiteral("delta_") + QLatin1String(m);
        out += QStringLiteral(",%1,%1_lo,%1_hi,%1_significant").arg(d);
    }
    out += QStringLiteral(",reference,untrained_warning,pareto\n");
    const auto est = [](const Estimate& e) { return num(e.mean) + QLatin1Char(',') + num(e.lo) + QLatin1Char(',') + num(e.hi); };
    const auto delta = [&](const DeltaEstimate& d) { return est(d.estimate) + QLatin1Char(',') + flag(d.significant); };
    for (int r = 0; r < m_result->rows.size(); ++r) {
        for (int col = 0; col < m_result->columns.size(); ++col) {
            const LatentGridCell* c = m_result->cell(r, col);
            if (!c) continue;
            const LatentChoice& l = m_result->rows[r].latent;
            QStringList f;
            f << c->config.key() << latentMethodKey(l.method) << QString::number(l.k) << (l.seed ? QString::number(*l.seed) : QString())
              << c->scheme << QString::number(c->params) << QString::number(c->bytes) << QString::number(c->fp32Bytes) << num(c->ratio)
              << num(c->ratioVsOriginal) << num(c->bitsPerParam) << num(m_result->rows[r].explainedVariance) << est(c->mse) << est(c->psnr)
              << est(c->ssim) << delta(c->deltaMse) << delta(c->deltaPsnr) << delta(c->deltaSsim) << flag(c->reference) << flag(c->untrained)
              << flag(c->pareto);
            out += f.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
    }
    return out;
}

QString LatentGridPanel::exportCsv(const QString& path) {
    const QString err = m_result ? writeTextFile(path, csv()) : tr("%1: no latent × bits grid measured yet").arg(path);
    Q_EMIT exported(path, err);
    return err;
}

}  // namespace pareto::ui
