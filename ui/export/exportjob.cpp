// SPDX-License-Identifier: Apache-2.0
#include "export/exportjob.h"

#include "data/dataspec.h"
#include "export/packageexporter.h"

#include <exception>

namespace pareto::ui {

struct ExportJob::Outcome {
    std::shared_ptr<const ExportReport> report;
    bool cancelled = false;
    QString error;
};

ExportJob::ExportJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->cancelled) Q_EMIT cancelled();
              else if (!out->report) Q_EMIT failed(out->error);
              else Q_EMIT finished(out->report);
          }) {}

ExportJob::~ExportJob() = default;

void ExportJob::cancel() { m_worker.cancel(); }

bool ExportJob::start(const ExportJobRequest& in) {
    if (m_worker.isRunning()) return false;
    if (!in.session || !in.model) {
        Q_EMIT failed(tr("export needs the model at the chosen latent size"));
        return false;
    }
    // Everything core needs, as an immutable ExportRequest.
    ExportRequest r;
    const SessionInfo& info = in.session->info;
    r.sourceCheckpoint = in.sourceCheckpoint.toStdString();
    r.provenance = in.provenance.toStdString();
    r.model = in.model;
    r.plan.defaultScheme = in.scheme;
    r.planDescription = QStringLiteral("Pareto Studio: %1 (scheme %2)").arg(in.configLabel, QString::fromStdString(in.scheme.toString())).toStdString();
    r.data = in.session->data;
    r.meanImage = *in.session->meanImage;
    r.dataSpec = info.dataSpec.toStdString();
    if (!info.split.isEmpty()) {
        r.split = info.split.toStdString();
    } else {
        auto spec = parseDataSpec(r.dataSpec);
        r.split = spec && spec->kind == DataSpec::Kind::Folder ? "all" : "test";  // the spec's default, as `pareto export`
    }
    r.limit = info.limit;
    r.targetProfile = in.target.toStdString();
    r.fitBatchSize = in.fitBatch;
    r.destination = in.destination.toStdString();
    r.force = in.force;
    r.tar = in.tar;
    r.modelPrecision = in.fp16Model ? ModelPrecision::Fp16 : ModelPrecision::Fp32;
    r.reference = in.reference;
    r.referenceDescription = in.referenceDescription.toStdString();
    if (in.shown) r.studioMetrics = MetricSummary{in.shown->mse, in.shown->psnr, in.shown->ssim};

    const ExportHooks hooks = m_hooks;
    m_worker.start([r, hooks](const ProgressSink& sink) {
        auto out = std::make_shared<Outcome>();
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            auto report = exportPackage(r, sink, hooks);
            if (!report) {
                out->cancelled = report.error().isCancelled();
                out->error = QString::fromStdString(report.error().message);
            } else {
                out->report = std::make_shared<const ExportReport>(std::move(*report));
            }
        } catch (const std::exception& e) {
            out->error = QStringLiteral("export failed: %1").arg(QString::fromUtf8(e.what()));
        }
        return out;
    });
    return true;
}

}  // namespace pareto::ui
