// SPDX-License-Identifier: Apache-2.0
#include "jobs/sensitivityjob.h"

#include "jobs/computethreads.h"

#include "compress/layersensitivity.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"

#include <ATen/ATen.h>

#include <exception>

#include <algorithm>

namespace pareto::ui {

struct SensitivityJob::Outcome {
    SensitivityResult result;
    bool ok = false;
    bool cancelled = false;
    QString error;
};

SensitivityJob::SensitivityJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->ok) Q_EMIT finished(out->result);
              else if (out->cancelled) Q_EMIT cancelled();
              else Q_EMIT failed(out->error);
          }) {}

SensitivityJob::~SensitivityJob() = default;

void SensitivityJob::cancel() { m_worker.cancel(); }

bool SensitivityJob::start(const SensitivityRequest& request) {
    if (m_worker.isRunning()) return false;
    const SensitivityRequest req = request;
    m_worker.start([req](const ProgressSink& sink) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the UI and the preview
            auto out = std::make_shared<Outcome>();
            const Dataset& all = *req.session->data;
            const int64_t m = std::min<int64_t>(std::max(1, req.calibrationImages), all.size());
            Dataset calibration = Dataset::fromImages(
                all.batch(0, m), std::vector<std::string>(all.ids.begin(), all.ids.begin() + std::min<int64_t>(m, static_cast<int64_t>(all.ids.size()))),
                all.identity + " (first " + std::to_string(m) + ")");
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
                return out;
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
            return out;
        } catch (const std::exception& e) {
            auto out = std::make_shared<Outcome>();
            out->error = QStringLiteral("per-layer sensitivity failed: %1").arg(QString::fromUtf8(e.what()));
            return out;
        }
    });
    return true;
}

}  // namespace pareto::ui
