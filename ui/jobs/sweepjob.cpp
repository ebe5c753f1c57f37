// SPDX-License-Identifier: Apache-2.0
#include "jobs/sweepjob.h"

#include "jobs/computethreads.h"
#include "jobs/promisesink.h"
#include "jobs/workergate.h"

#include "compress/sweeprow.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"
#include "model/weightshash.h"


#include <exception>

#include <algorithm>
#include <optional>

namespace pareto::ui {

struct SweepJob::Item {
    std::optional<EvaluatedConfig> row;
    bool cancelled = false;
    QString error;
    QStringList warnings;
};

SweepJob::SweepJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Item>& item) {
              take(item);
              Q_EMIT finished(m_rows, m_planned, m_cancelled, m_error, m_warnings);
          },
          tr("A sweep"), Supersede::Cancel, [this](const std::shared_ptr<Item>& item) { take(item); }) {}

SweepJob::~SweepJob() {
    m_worker.cancel();
    if (m_gate) m_gate->release();
}

void SweepJob::take(const std::shared_ptr<Item>& item) {
    if (!item) return;
    m_warnings << item->warnings;
    if (item->row) {
        ++m_rows;
        Q_EMIT rowReady(*item->row);
    }
    if (item->cancelled) m_cancelled = true;
    if (!item->error.isEmpty()) m_error = item->error;
}

void SweepJob::cancel() { m_worker.cancel(); }

bool SweepJob::start(const SweepRequest& request) {
    if (m_worker.isRunning()) return false;
    std::vector<QuantPlan> plans;
    for (const auto& s : request.schemes) {
        QuantPlan p;
        p.defaultScheme = s;
        // The original model's FP32 row is the session's baseline; another latent's is a point of its own.
        if (!isPlainFp32Plan(p) || request.latent.method != LatentMethod::Original) plans.push_back(p);
    }
    m_planned = static_cast<int>(plans.size());
    m_rows = 0;
    m_cancelled = false;
    m_error.clear();
    m_warnings.clear();
    Q_EMIT started(m_planned);
    const std::shared_ptr<WorkerGate> gate = m_gate;
    const SweepRequest req = request;
    m_worker.start([req, plans, gate](const ProgressSink& sink, const BackgroundWorker<Item>::Post& post) -> std::shared_ptr<Item> {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useBackgroundComputeThreads();  // both cores, yielding to the UI and the preview
            const double steps = static_cast<double>(std::max<size_t>(1, plans.size()));
            const QString baseHash = QString::fromStdString(weightsHash(*req.base));
            for (size_t i = 0; i < plans.size(); ++i) {
                if (gate) gate->pass(static_cast<int>(i));
                const std::string label = sweepPlanLabel(plans[i]);
                // Core's stages ("evaluating") prefixed by the row, so the status bar says where the sweep is.
                const double lo = static_cast<double>(i) / steps, hi = static_cast<double>(i + 1) / steps;
                const QString prefix = QStringLiteral("sweep %1/%2 %3: ").arg(i + 1).arg(plans.size()).arg(QString::fromStdString(label));
                const ProgressSink step(
                    [&sink, prefix, lo, hi](double f, const std::string& stage) {
                        return sink.update(lo + (hi - lo) * f, prefix.toStdString() + stage);
                    },
                    sink.token());
                auto item = std::make_shared<Item>();
                if (!step.update(0.0, "quantizing")) {
                    item->cancelled = true;
                    return item;
                }
                std::vector<std::string> warnings;
                auto row = measureSweepRow(*req.base, plans[i], *req.session->data, req.session->fp32->perImage, 64, step,
                                           &warnings);
                for (const auto& w : warnings) item->warnings << QString::fromStdString(w);
                if (!row) {
                    item->cancelled = row.error().isCancelled();
                    if (!item->cancelled) item->error = QString::fromStdString(row.error().message);
                    return item;
                }
                StudioConfig config{req.latent, plans[i].defaultScheme};
                EvaluatedConfig c;
                c.key = config.key();
                c.label = config.label();
                c.source = QStringLiteral("sweep");
                c.weightsId = baseHash + QLatin1Char('|') + QString::fromStdString(plans[i].defaultScheme.toString());
                c.config = config;
                c.params = row->size.params;
                c.bytes = row->size.bytes;
                c.fp32Bytes = row->size.fp32Bytes;
                c.originalFp32Bytes = req.session->info.fp32Bytes;
                c.ratio = row->size.ratio;
                c.bitsPerParam = row->size.effectiveBitsPerParam;
                c.n = c.total = req.session->data->size();
                c.complete = true;
                c.mse = row->metrics.mse;
                c.psnr = row->metrics.psnr;
                c.ssim = row->metrics.ssim;
                c.deltaMse = row->deltaVsFp32.mse;
                c.deltaPsnr = row->deltaVsFp32.psnr;
                c.deltaSsim = row->deltaVsFp32.ssim;
                // Per image too: any configuration a sweep measured can be pinned as A.
                c.perImage = std::make_shared<const PerImageMetrics>(std::move(row->perImage));
                item->row = std::move(c);
                post(item);
            }
            sink.update(1.0, "sweep done");
        } catch (const std::exception& e) {
            auto item = std::make_shared<Item>();
            item->error = QStringLiteral("sweep failed: %1").arg(QString::fromUtf8(e.what()));
            return item;
        }
        return nullptr;
    });
    return true;
}

}  // namespace pareto::ui
