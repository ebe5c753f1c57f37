// SPDX-License-Identifier: Apache-2.0
#include "jobs/latentgridjob.h"

#include "jobs/computethreads.h"
#include "jobs/workergate.h"

#include "data/datasetloader.h"
#include "latent/compoundsweep.h"
#include "latent/latentstatistics.h"
#include "latent/latentvariantbuilder.h"
#include "eval/metrics.h"
#include "model/weightshash.h"

#include <QElapsedTimer>

#include <exception>
#include <mutex>

namespace pareto::ui {

const LatentGridCell* LatentGridResult::cell(int row, int column) const {
    const int i = row * static_cast<int>(columns.size()) + column;
    if (row < 0 || column < 0 || column >= columns.size() || i >= cells.size() || !cells[i].valid) return nullptr;
    return &cells[i];
}

QVector<LatentGridCell> LatentGridResult::measured() const {
    QVector<LatentGridCell> out;
    for (const auto& c : cells)
        if (c.valid) out << c;
    return out;
}

struct LatentGridJob::Outcome {
    LatentGridResult result;
    bool ok = false;
    bool cancelled = false;
    QString error;
};

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

LatentMethod methodOf(const std::string& m) {
    for (LatentMethod x : {LatentMethod::Pca, LatentMethod::Trained, LatentMethod::Distilled})
        if (m == pareto::latentMethodId(x)) return x;
    return LatentMethod::Original;
}

}  // namespace

LatentGridJob::LatentGridJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->cancelled) Q_EMIT cancelled();
              else if (!out->ok) Q_EMIT failed(out->error);
              else Q_EMIT finished(out->result);
          }) {}

LatentGridJob::~LatentGridJob() {
    m_worker.cancel();
    if (m_gate) m_gate->release();  // the worker waits for it in its destructor
}

void LatentGridJob::cancel() { m_worker.cancel(); }

bool LatentGridJob::start(const LatentGridRequest& request) {
    if (m_worker.isRunning() || !request.session) return false;
    const std::shared_ptr<WorkerGate> gate = m_gate;
    const LatentGridRequest req = request;
    std::vector<QuantScheme> schemes;
    for (const auto& s : req.schemes)
        if (s.kind != QuantKind::Float32) schemes.push_back(s);
    const int points = (1 + req.pcaKs.size() + req.models.size()) * (1 + static_cast<int>(schemes.size()));
    Q_EMIT started(points);
    m_worker.start([req, schemes, gate](const ProgressSink& progress) {
        auto out = std::make_shared<Outcome>();
        LatentGridResult& r = out->result;
        r.sessionId = req.session->id;
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useBackgroundComputeThreads();  // both cores, yielding to the window and the preview
            QElapsedTimer clock;
            clock.start();
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = qs(e.message);
                return out;
            };
            // The gate is passed as each grid point starts ("grid <row> <scheme>" stages).
            auto point = std::make_shared<int>(0);
            const ProgressSink sink(
                [progress, gate, point](double f, const std::string& stage) {
                    if (gate && stage.rfind("grid ", 0) == 0 && stage != "grid done") gate->pass((*point)++);
                    return progress.update(f, stage);
                },
                progress.token());

            const SessionData& s = *req.session;
            const int64_t L = s.info.latentDim;
            const LatentChoice original{LatentMethod::Original, L, std::nullopt};
            r.rows.push_back({original, latentLabel(original), QObject::tr("as loaded"), std::numeric_limits<double>::quiet_NaN(), QString()});
            LatentVariantSources sources;
            sources.original = s.model;
            sources.originalPath = s.info.modelPath.toStdString();
            sources.statistics = req.stats;
            std::vector<LatentVariant> variants;
            for (int k : req.pcaKs) {
                const LatentChoice c{LatentMethod::Pca, k, std::nullopt};
                auto v = buildLatentVariant(c, sources, sink);
                if (!v) return finish(v.error());
                r.rows.push_back({c, latentLabel(c), qs(v->source), v->explainedVariance, QString()});
                variants.push_back(std::move(*v));
            }
            const ModelInfo info = s.model->info();
            for (const auto& m : req.models) {
                LatentVariant v;
                v.method = latentMethodKey(m.latent.method).toStdString();
                v.k = m.latent.k;
                v.seed = m.latent.seed;
                v.model = m.model;
                v.source = m.source.toStdString();
                if (!v.model) {
                    auto loaded = loadTrainedModel(m.path.toStdString(), m.latent.k, info);
                    if (!loaded) return finish(loaded.error());
                    v.model = *loaded;
                }
                variants.push_back(v);
                r.rows.push_back({m.latent, latentLabel(m.latent), m.source, std::numeric_limits<double>::quiet_NaN(), QString()});
            }
            std::vector<QuantPlan> plans;
            r.columns << QStringLiteral("fp32");
            for (const auto& q : schemes) {
                QuantPlan plan;
                plan.defaultScheme = q;
                plans.push_back(plan);
                r.columns << QString::fromStdString(q.toString());
            }
            // Rows in order: the original, then the variants (PCA first, then the models given).
            r.rows[0].weightsHash = s.info.weightsHash;
            for (size_t i = 0; i < variants.size() && static_cast<int>(i) + 1 < r.rows.size(); ++i)
                r.rows[static_cast<int>(i) + 1].weightsHash = qs(weightsHash(*variants[i].model));
            // The session measured the original at FP32 on these images when it opened.
            auto grid = sweepCompound(s.model, variants, plans, *s.data, *s.meanImage, 64, sink, s.fp32.get());
            if (!grid) return finish(grid.error());

            r.n = grid->original.n();
            r.dataIdentity = qs(grid->original.dataIdentity);
            for (const auto& w : grid->warnings) r.warnings << qs(w);
            // The session's FP32 bytes: the same denominator as the panel, the table and the report.
            r.originalFp32Bytes = s.info.fp32Bytes;
            r.cells.resize(r.rows.size() * r.columns.size());
            for (const CompoundRow& row : grid->rows) {
                const LatentMethod method = methodOf(row.method);
                int ri = -1;
                for (int i = 0; i < r.rows.size() && ri < 0; ++i) {
                    const LatentChoice& c = r.rows[i].latent;
                    if (c.method == method && c.k == row.k && (method != LatentMethod::Trained || c.seed == row.seed)) ri = i;
                }
                const int ci = static_cast<int>(r.columns.indexOf(qs(row.scheme)));
                if (ri < 0 || ci < 0) continue;
                LatentGridCell& cell = r.cells[ri * r.columns.size() + ci];
                auto scheme = QuantScheme::parse(row.scheme);
                cell.valid = true;
                cell.config = StudioConfig{r.rows[ri].latent, scheme ? *scheme : QuantScheme::fp32()};
                cell.scheme = qs(row.scheme);
                cell.params = row.size.params;
                cell.bytes = row.size.bytes;
                cell.fp32Bytes = row.size.fp32Bytes;
                cell.ratio = row.size.ratio;
                cell.ratioVsOriginal = pareto::ratioVsOriginal(r.originalFp32Bytes, row.size.bytes);
                cell.bitsPerParam = row.size.effectiveBitsPerParam;
                cell.mse = row.metrics.mse;
                cell.psnr = row.metrics.psnr;
                cell.ssim = row.metrics.ssim;
                cell.deltaMse = row.deltaVsOriginal.mse;
                cell.deltaPsnr = row.deltaVsOriginal.psnr;
                cell.deltaSsim = row.deltaVsOriginal.ssim;
                cell.reference = row.reference;
                cell.pareto = row.pareto;
                cell.untrained = row.untrainedWarning;
                cell.perImage = std::make_shared<const PerImageMetrics>(row.perImage);
                cell.weightsId = r.rows[ri].weightsHash + QLatin1Char('|') + cell.scheme;
            }
            r.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
            out->ok = true;
            return out;
        } catch (const std::exception& e) {
            out->error = QStringLiteral("the latent x bits grid failed: %1").arg(QString::fromUtf8(e.what()));
            return out;
        }
    });
    return true;
}

}  // namespace pareto::ui
