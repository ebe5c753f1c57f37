#include "jobs/sensitivityjob.h"

#include "jobs/computethreads.h"
#include "jobs/promisesink.h"

#include "compress/layersensitivity.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"

#include <ATen/ATen.h>

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include <algorithm>

namespace pareto::ui {

struct SensitivityJob::Outcome {
    SensitivityResult result;
    bool ok = false;
    bool cancelled = false;
    QString error;
};

SensitivityJob::SensitivityJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::progressValueChanged, this,
            [this](int v) { Q_EMIT progress(v / 1000.0, m_watcher.progressText()); });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, [this] {
        m_running = false;
        const auto out = m_watcher.future().resultCount() ? m_watcher.result() : nullptr;
        if (!out) return;
        if (out->ok) Q_EMIT finished(out->result);
        else if (out->cancelled) Q_EMIT cancelled();
        else Q_EMIT failed(out->error);
    });
}

SensitivityJob::~SensitivityJob() {
    cancel();
    m_pool.waitForDone();
}

void SensitivityJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

bool SensitivityJob::start(const SensitivityRequest& request) {
    if (m_running) return false;
    m_running = true;
    m_cancel = makeCancelToken();
    const CancelToken token = m_cancel;
    const SensitivityRequest req = request;
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [req, token](QPromise<std::shared_ptr<Outcome>>& promise) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the UI and the preview
            auto out = std::make_shared<Outcome>();
            const ProgressSink sink = promiseSink(promise, token);
            const Dataset& all = *req.session->data;
            const int64_t m = std::min<int64_t>(std::max(1, req.calibrationImages), all.size());
            Dataset calibration;
            calibration.images = all.images.narrow(0, 0, m);
            calibration.ids.assign(all.ids.begin(), all.ids.begin() + std::min<int64_t>(m, static_cast<int64_t>(all.ids.size())));
            calibration.identity = all.identity + " (first " + std::to_string(m) + ")";
            // The session's FP32 figures are the baseline's own only for the original model.
            PerImageMetrics fp32;
            const PerImageMetrics* known = nullptr;
            if (req.base == req.session->model) {
                const auto& p = req.session->fp32->perImage;
                fp32.mse.assign(p.mse.begin(), p.mse.begin() + m);
                fp32.psnr.assign(p.psnr.begin(), p.psnr.begin() + m);
                fp32.ssim.assign(p.ssim.begin(), p.ssim.begin() + m);
                known = &fp32;
            }
            auto report = measureLayerSensitivity(*req.base, req.scheme, calibration, 64, sink, known);
            if (!report) {
                out->cancelled = report.error().isCancelled();
                out->error = QString::fromStdString(report.error().message);
                promise.addResult(out);
                return;
            }
            SensitivityResult& r = out->result;
            r.scheme = QString::fromStdString(report->scheme);
            r.dataIdentity = QString::fromStdString(calibration.identity);
            r.n = report->n;
            r.fp32Mse = report->fp32.mse;
            for (const auto& l : report->layers) {
                SensitivityLayer s;
                s.name = QString::fromStdString(l.name);
                s.params = l.params;
                s.fp32Bytes = l.fp32Bytes;
                s.bytes = l.bytes;
                s.bytesSaved = l.bytesSaved;
                s.mse = l.mse;
                s.deltaMse = l.deltaMse;
                r.layers.push_back(s);
            }
            out->ok = true;
            promise.addResult(out);
        } catch (const std::exception& e) {
            auto out = std::make_shared<Outcome>();
            out->error = QStringLiteral("per-layer sensitivity failed: %1").arg(QString::fromUtf8(e.what()));
            promise.addResult(out);
        }
    }));
    return true;
}

}  // namespace pareto::ui
