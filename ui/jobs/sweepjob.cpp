#include "jobs/sweepjob.h"

#include "jobs/computethreads.h"
#include "jobs/promisesink.h"
#include "jobs/workergate.h"

#include "compress/sweeprow.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"

#include <QtConcurrent/QtConcurrentRun>

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

SweepJob::SweepJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Item>>::progressValueChanged, this,
            [this](int v) { Q_EMIT progress(v / 1000.0, m_watcher.progressText()); });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Item>>::resultsReadyAt, this, [this](int begin, int end) {
        for (int i = begin; i < end; ++i) {
            const auto item = m_watcher.resultAt(i);
            if (!item) continue;
            m_warnings << item->warnings;
            if (item->row) {
                ++m_rows;
                Q_EMIT rowReady(*item->row);
            }
            if (item->cancelled) m_cancelled = true;
            if (!item->error.isEmpty()) m_error = item->error;
        }
    });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Item>>::finished, this, [this] {
        m_running = false;
        Q_EMIT finished(m_rows, m_planned, m_cancelled, m_error, m_warnings);
    });
}

SweepJob::~SweepJob() {
    cancel();
    if (m_gate) m_gate->release();
    m_pool.waitForDone();
}

void SweepJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

bool SweepJob::start(const SweepRequest& request) {
    if (m_running) return false;
    std::vector<QuantPlan> plans;
    for (const auto& s : request.schemes) {
        QuantPlan p;
        p.defaultScheme = s;
        // The original model's FP32 row is the session's baseline; another latent's is a point of its own.
        if (!isPlainFp32Plan(p) || request.latent.method != LatentMethod::Original) plans.push_back(p);
    }
    m_running = true;
    m_cancel = makeCancelToken();
    m_planned = static_cast<int>(plans.size());
    m_rows = 0;
    m_cancelled = false;
    m_error.clear();
    m_warnings.clear();
    Q_EMIT started(m_planned);
    const CancelToken token = m_cancel;
    const std::shared_ptr<WorkerGate> gate = m_gate;
    const SweepRequest req = request;
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [req, plans, token, gate](QPromise<std::shared_ptr<Item>>& promise) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the UI and the preview
            const ProgressSink sink = promiseSink(promise, token);
            const double steps = static_cast<double>(std::max<size_t>(1, plans.size()));
            for (size_t i = 0; i < plans.size(); ++i) {
                if (gate) gate->pass(static_cast<int>(i));
                const std::string label = sweepPlanLabel(plans[i]);
                // Core's stages ("evaluating") prefixed by the row, so the status bar says where the sweep is.
                const double lo = static_cast<double>(i) / steps, hi = static_cast<double>(i + 1) / steps;
                const QString prefix = QStringLiteral("sweep %1/%2 %3: ").arg(i + 1).arg(plans.size()).arg(QString::fromStdString(label));
                QPromise<std::shared_ptr<Item>>* p = &promise;
                const ProgressSink step(
                    [p, prefix, lo, hi](double f, const std::string& stage) {
                        p->setProgressValueAndText(static_cast<int>((lo + (hi - lo) * f) * 1000.0), prefix + QString::fromStdString(stage));
                        return !p->isCanceled();
                    },
                    token);
                auto item = std::make_shared<Item>();
                if (!step.update(0.0, "quantizing")) {
                    item->cancelled = true;
                    promise.addResult(item);
                    return;
                }
                std::vector<std::string> warnings;
                auto row = measureSweepRow(*req.base, plans[i], *req.session->data, req.session->fp32->perImage, 64, step,
                                           &warnings);
                for (const auto& w : warnings) item->warnings << QString::fromStdString(w);
                if (!row) {
                    item->cancelled = row.error().isCancelled();
                    if (!item->cancelled) item->error = QString::fromStdString(row.error().message);
                    promise.addResult(item);
                    return;
                }
                StudioConfig config{req.latent, plans[i].defaultScheme};
                EvaluatedConfig c;
                c.key = config.key();
                c.label = config.label();
                c.source = QStringLiteral("sweep");
                c.config = config;
                c.params = row->size.params;
                c.bytes = row->size.bytes;
                c.fp32Bytes = row->size.fp32Bytes;
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
                item->row = std::move(c);
                promise.addResult(item);
            }
            sink.update(1.0, "sweep done");
        } catch (const std::exception& e) {
            auto item = std::make_shared<Item>();
            item->error = QStringLiteral("sweep failed: %1").arg(QString::fromUtf8(e.what()));
            promise.addResult(item);
        }
    }));
    return true;
}

}  // namespace pareto::ui
