#include "jobs/metricsjob.h"

#include "jobs/promisesink.h"

#include "data/dataset.h"
#include "eval/modelevaluation.h"
#include "eval/streamingevaluator.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace pareto::ui {

struct MetricsJob::Update {
    EvaluatedConfig record;
    bool failed = false;
    bool cancelled = false;
    QString error;
};

MetricsJob::MetricsJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Update>>::resultsReadyAt, this, [this](int begin, int end) {
        for (int i = begin; i < end; ++i) {
            const auto u = m_watcher.resultAt(i);
            // Updates of a request already superseded are stale.
            if (!u || m_pending || m_cancel->load()) continue;
            if (u->cancelled) continue;
            if (u->failed) Q_EMIT failed(m_runningGeneration, u->record.key, u->error);
            else Q_EMIT updated(m_runningGeneration, u->record);
        }
    });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Update>>::finished, this, [this] {
        m_running = false;
        if (m_pending) {
            MetricsRequest next = std::move(*m_pending);
            m_pending.reset();
            launch(next);
        }
    });
}

MetricsJob::~MetricsJob() {
    m_pending.reset();
    cancel();
    m_pool.waitForDone();
}

void MetricsJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void MetricsJob::request(const MetricsRequest& request) {
    if (m_running) {
        cancel();
        m_pending = request;
        return;
    }
    launch(request);
}

void MetricsJob::launch(const MetricsRequest& req) {
    m_running = true;
    m_cancel = makeCancelToken();
    m_runningGeneration = req.generation;
    const CancelToken token = m_cancel;
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [req, token](QPromise<std::shared_ptr<Update>>& promise) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            EvaluatedConfig base;
            base.key = req.config.key();
            base.label = req.config.label();
            base.source = QStringLiteral("slider");
            base.config = req.config;
            base.baseline = req.config.scheme.kind == QuantKind::Float32 && req.config.latent.method == LatentMethod::Original;
            base.params = req.params;
            base.bytes = req.bytes;
            base.fp32Bytes = req.fp32Bytes;
            base.ratio = req.ratio;
            base.bitsPerParam = req.bitsPerParam;

            const ProgressSink sink = promiseSink(promise, token);
            const PerImageMetrics& fp32 = req.session->fp32->perImage;
            auto result = evaluateStreaming(
                *req.model, *req.session->data,
                [&](const StreamingUpdate& u) {
                    auto up = std::make_shared<Update>();
                    up->record = base;
                    up->record.n = u.done;
                    up->record.total = u.total;
                    up->record.mse = u.running.mse;
                    up->record.psnr = u.running.psnr;
                    up->record.ssim = u.running.ssim;
                    up->record.deltaMse = u.deltaVsReference.mse;
                    up->record.deltaPsnr = u.deltaVsReference.psnr;
                    up->record.deltaSsim = u.deltaVsReference.ssim;
                    up->record.complete = u.done == u.total;
                    if (up->record.complete) up->record.perImage = std::make_shared<const PerImageMetrics>(*u.perImage);
                    promise.addResult(up);
                },
                &fp32, 64, 128, sink);
            if (!result) {
                auto up = std::make_shared<Update>();
                up->record = base;
                up->cancelled = result.error().isCancelled();
                up->failed = !up->cancelled;
                up->error = QString::fromStdString(result.error().message);
                promise.addResult(up);
            }
        } catch (const std::exception& e) {
            auto up = std::make_shared<Update>();
            up->record.key = req.config.key();
            up->failed = true;
            up->error = QStringLiteral("measuring %1 failed: %2").arg(req.config.label(), QString::fromUtf8(e.what()));
            promise.addResult(up);
        }
    }));
}

}  // namespace pareto::ui
