#include "latent/latentstatisticsjob.h"

#include "jobs/computethreads.h"
#include "jobs/promisesink.h"
#include "jobs/workergate.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "latent/latentstatistics.h"
#include "model/vaemodel.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace pareto::ui {

struct LatentStatisticsJob::Outcome {
    quint64 generation = 0;
    CalibrationResult result;
    bool cancelled = false;
    QString error;
};

LatentStatisticsJob::LatentStatisticsJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::progressValueChanged, this,
            [this](int v) { Q_EMIT progress(v / 1000.0, m_watcher.progressText()); });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, [this] {
        if (m_watcher.future().resultCount() == 0) return;
        const auto out = m_watcher.result();
        if (!out || out->generation != m_generation) return;  // superseded
        m_running = false;
        if (out->cancelled) Q_EMIT cancelled(out->result.sessionId);
        else if (!out->result.stats) Q_EMIT failed(out->result.sessionId, out->error);
        else Q_EMIT finished(out->result);
    });
}

LatentStatisticsJob::~LatentStatisticsJob() {
    cancel();
    if (m_gate) m_gate->release();
    m_pool.waitForDone();
}

void LatentStatisticsJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void LatentStatisticsJob::start(const SessionPtr& session, qint64 calibrationImages) {
    cancel();
    m_cancel = makeCancelToken();
    const quint64 generation = ++m_generation;
    m_running = true;
    const CancelToken token = m_cancel;
    const std::shared_ptr<WorkerGate> gate = m_gate;
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [session, calibrationImages, token, gate, generation](
                                                       QPromise<std::shared_ptr<Outcome>>& promise) {
        auto out = std::make_shared<Outcome>();
        out->generation = generation;
        out->result.sessionId = session->id;
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the window and the preview
            QElapsedTimer clock;
            clock.start();
            const ProgressSink sink = promiseSink(promise, token);
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = QString::fromStdString(e.message);
                promise.addResult(out);
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
            promise.addResult(out);
        } catch (const std::exception& e) {
            out->error = QStringLiteral("collecting the latent statistics failed: %1").arg(QString::fromUtf8(e.what()));
            promise.addResult(out);
        }
    }));
}

}  // namespace pareto::ui
