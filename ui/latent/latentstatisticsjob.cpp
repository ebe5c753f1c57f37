// SPDX-License-Identifier: Apache-2.0
#include "latent/latentstatisticsjob.h"

#include "jobs/computethreads.h"
#include "jobs/workergate.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "latent/latentstatistics.h"
#include "model/model.h"

#include <QElapsedTimer>

#include <exception>

namespace pareto::ui {

struct LatentStatisticsJob::Outcome {
    CalibrationResult result;
    bool cancelled = false;
    QString error;
};

LatentStatisticsJob::LatentStatisticsJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->cancelled) Q_EMIT cancelled(out->result.sessionId);
              else if (!out->result.stats) Q_EMIT failed(out->result.sessionId, out->error);
              else Q_EMIT finished(out->result);
          }) {}

LatentStatisticsJob::~LatentStatisticsJob() {
    m_worker.cancel();
    if (m_gate) m_gate->release();  // the worker waits for it in its destructor
}

void LatentStatisticsJob::cancel() { m_worker.cancel(); }

void LatentStatisticsJob::start(const SessionPtr& session, qint64 calibrationImages) {
    const std::shared_ptr<WorkerGate> gate = m_gate;
    m_worker.start([session, calibrationImages, gate](const ProgressSink& sink) {
        auto out = std::make_shared<Outcome>();
        out->result.sessionId = session->id;
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the window and the preview
            QElapsedTimer clock;
            clock.start();
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = QString::fromStdString(e.message);
                return out;
            };
            const SessionInfo& info = session->info;
            auto spec = parseDataSpec(info.dataSpec.toStdString());
            if (!spec) return finish(spec.error());
            DatasetLoadOptions o;
            o.split = Split::Train;
            o.limit = calibrationImages;
            o = optionsForModel(session->model->info(), o);
            auto calib = loadDataset(*spec, o, sink.sub(0.0, 0.3));
            if (!calib) return finish(calib.error());
            if (gate) gate->pass(0);
            if (!sink.update(0.3, "statistics of mu")) return finish(Error::cancelled());
            auto stats = collectLatentStatistics(*session->model, *calib, 256, sink.sub(0.3, 1.0));
            if (!stats) return finish(stats.error());
            CalibrationResult& r = out->result;
            r.dataIdentity = QString::fromStdString(calib->identity);
            r.n = stats->n;
            if (info.split == QStringLiteral("train") || info.split == QStringLiteral("all") ||
                (info.split.isEmpty() && spec->kind == DataSpec::Kind::Folder))
                r.notes << QObject::tr("the held-out images include training images, on which the PCA statistics were collected");
            r.stats = std::make_shared<const LatentStatistics>(std::move(*stats));
            r.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
            return out;
        } catch (const std::exception& e) {
            out->error = QStringLiteral("collecting the latent statistics failed: %1").arg(QString::fromUtf8(e.what()));
            return out;
        }
    });
}

}  // namespace pareto::ui
