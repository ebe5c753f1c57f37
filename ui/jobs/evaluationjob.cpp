#include "jobs/evaluationjob.h"

#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace pareto::ui {

struct EvaluationJob::Outcome {
    quint64 generation = 0;
    bool ok = false;
    bool cancelled = false;
    QString error;
    EvaluationSummary summary;
};

namespace {

EstimateValue toValue(const Estimate& e) { return {e.mean, e.lo, e.hi}; }

}  // namespace

EvaluationJob::EvaluationJob(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, [this] {
        const auto out = m_watcher.result();
        if (!out || out->generation != m_generation) return;  // superseded: drop it
        if (out->cancelled) Q_EMIT cancelled();
        else if (!out->ok) Q_EMIT failed(out->error);
        else Q_EMIT finished(out->summary);
    });
}

EvaluationJob::~EvaluationJob() {
    cancel();
    m_watcher.waitForFinished();
}

bool EvaluationJob::isRunning() const { return m_watcher.isRunning(); }

void EvaluationJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void EvaluationJob::start(const QString& checkpoint, const QString& dataSpec, qint64 limit) {
    cancel();
    m_cancel = makeCancelToken();
    const quint64 generation = ++m_generation;
    // Immutable snapshot of the inputs for the worker.
    const std::string path = checkpoint.toStdString(), spec = dataSpec.toStdString();
    const CancelToken token = m_cancel;
    QPointer<EvaluationJob> self(this);

    m_watcher.setFuture(QtConcurrent::run([=]() -> std::shared_ptr<Outcome> {
        auto out = std::make_shared<Outcome>();
        out->generation = generation;
        const ProgressSink sink(
            [self, generation](double f, const std::string& stage) {
                const QString label = QString::fromStdString(stage);
                QMetaObject::invokeMethod(self, [self, generation, f, label] {
                    if (self && self->m_generation == generation) Q_EMIT self->progress(f, label);
                }, Qt::QueuedConnection);
                return true;
            },
            token);
        auto loaded = loadModel(path);
        if (!loaded) {
            out->error = QString::fromStdString(loaded.error().message);
            return out;
        }
        auto parsed = parseDataSpec(spec);
        if (!parsed) {
            out->error = QString::fromStdString(parsed.error().message);
            return out;
        }
        DatasetLoadOptions opts;
        opts.limit = limit;
        auto ev = evaluateOnData(*loaded->model, *parsed, opts, 64, sink);
        if (!ev) {
            out->cancelled = ev.error().isCancelled();
            out->error = QString::fromStdString(ev.error().message);
            return out;
        }
        EvaluationSummary& s = out->summary;
        s.modelPath = QString::fromStdString(loaded->path);
        s.format = QString::fromLatin1(checkpointFormatName(loaded->format));
        s.arch = QString::fromStdString(ev->model.arch);
        s.latentDim = ev->model.latentDim;
        s.params = ev->model.params;
        QStringList dims;
        for (auto d : ev->model.inputShape) dims << QString::number(d);
        s.inputShape = dims.join('x');
        s.dataIdentity = QString::fromStdString(ev->dataIdentity);
        for (const auto& n : ev->dataNotes) s.dataNotes << QString::fromStdString(n);
        s.n = ev->n();
        s.mse = toValue(ev->summary.mse);
        s.psnr = toValue(ev->summary.psnr);
        s.ssim = toValue(ev->summary.ssim);
        s.baselineMse = toValue(ev->baselineSummary.mse);
        s.baselinePsnr = toValue(ev->baselineSummary.psnr);
        s.baselineSsim = toValue(ev->baselineSummary.ssim);
        s.baselineSource = QString::fromStdString(ev->baselineSource);
        s.untrainedWarning = ev->untrained.warning;
        s.untrainedReason = QString::fromStdString(ev->untrained.reason);
        s.seconds = ev->seconds;
        out->ok = true;
        return out;
    }));
}

}  // namespace pareto::ui
