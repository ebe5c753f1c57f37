// SPDX-License-Identifier: Apache-2.0
#include "jobs/metricsjob.h"
#include "jobs/computethreads.h"


#include "model/weightshash.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"
#include "eval/streamingevaluator.h"


#include <exception>

namespace pareto::ui {

struct MetricsJob::Update {
    EvaluatedConfig record;
    bool failed = false;
    bool cancelled = false;
    QString error;
};

MetricsJob::MetricsJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, nullptr, [this](const std::shared_ptr<Update>& u) { emitUpdate(u); }, tr("Measuring a configuration"),
          Supersede::Cancel, [this](const std::shared_ptr<Update>& u) { emitUpdate(u); }) {}

MetricsJob::~MetricsJob() = default;

void MetricsJob::cancel() { m_worker.cancel(); }

void MetricsJob::emitUpdate(const std::shared_ptr<Update>& u) {
    if (!u || u->cancelled) return;
    if (u->failed) Q_EMIT failed(m_runningGeneration, u->record.key, u->error);
    else Q_EMIT updated(m_runningGeneration, u->record);
}

void MetricsJob::request(const MetricsRequest& req) {
    m_runningGeneration = req.generation;
    m_worker.start([req](const ProgressSink& sink, const BackgroundWorker<Update>::Post& post) -> std::shared_ptr<Update> {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            // Both cores, yielding to the UI thread and the preview: at nice 0 its two batch
            // threads kept the window from being scheduled for 10-20 ms at a time while a sweep
            // also ran (the bench's stall during the sweep: 9-27 ms before, 5-13 ms after).
            useBackgroundComputeThreads();
            EvaluatedConfig base;
            base.key = req.config.key();
            base.label = req.config.label();
            base.source = QStringLiteral("slider");
            base.config = req.config;
            base.baseline = req.config.scheme.kind == QuantKind::Float32 && req.config.latent.method == LatentMethod::Original;
            base.params = req.params;
            base.bytes = req.bytes;
            base.fp32Bytes = req.fp32Bytes;
            base.originalFp32Bytes = req.session->info.fp32Bytes;
            base.ratio = req.ratio;
            base.bitsPerParam = req.bitsPerParam;
            if (req.base) base.weightsId = QString::fromStdString(weightsHash(*req.base) + "|" + req.config.scheme.toString());

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
                    post(up);
                },
                &fp32, 64, 128, sink);
            if (!result) {
                auto up = std::make_shared<Update>();
                up->record = base;
                up->cancelled = result.error().isCancelled();
                up->failed = !up->cancelled;
                up->error = QString::fromStdString(result.error().message);
                return up;
            }
        } catch (const std::exception& e) {
            auto up = std::make_shared<Update>();
            up->record.key = req.config.key();
            up->failed = true;
            up->error = QStringLiteral("measuring %1 failed: %2").arg(req.config.label(), QString::fromUtf8(e.what()));
            return up;
        }
        return nullptr;  // every figure was posted as it came
    });
}

}  // namespace pareto::ui
