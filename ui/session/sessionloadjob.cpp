#include "session/sessionloadjob.h"

#include "jobs/promisesink.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"
#include "model/tinyvae.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace pareto::ui {

struct SessionLoadJob::Outcome {
    quint64 generation = 0;
    SessionPtr session;
    bool cancelled = false;
    QString error;
};

namespace {

std::atomic<quint64> g_sessionIds{0};

QString qs(const std::string& s) { return QString::fromStdString(s); }

QStringList qsList(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) out << qs(s);
    return out;
}

}  // namespace

SessionLoadJob::SessionLoadJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::progressValueChanged, this, [this](int v) {
        Q_EMIT progress(v / 1000.0, m_watcher.progressText());
    });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, [this] {
        if (m_watcher.future().resultCount() == 0) return;
        const auto out = m_watcher.result();
        if (!out || out->generation != m_generation) return;  // superseded: drop it
        m_running = false;
        if (out->cancelled) Q_EMIT cancelled();
        else if (!out->session) Q_EMIT failed(out->error);
        else Q_EMIT loaded(out->session);
    });
}

SessionLoadJob::~SessionLoadJob() {
    cancel();
    m_pool.waitForDone();
}

void SessionLoadJob::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void SessionLoadJob::start(const SessionRequest& request) {
    cancel();
    m_cancel = makeCancelToken();
    const quint64 generation = ++m_generation;
    m_running = true;
    const CancelToken token = m_cancel;
    const SessionRequest req = request;

    m_watcher.setFuture(QtConcurrent::run(&m_pool, [req, token, generation](QPromise<std::shared_ptr<Outcome>>& promise) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            auto out = std::make_shared<Outcome>();
            out->generation = generation;
            const ProgressSink sink = promiseSink(promise, token);
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = qs(e.message);
                promise.addResult(out);
            };

            auto session = std::make_shared<SessionData>();
            session->id = ++g_sessionIds;
            SessionInfo& info = session->info;
            if (!req.modelPath.isEmpty()) {
                sink.update(0.0, "opening " + req.modelPath.toStdString());
                auto loaded = loadModel(req.modelPath.toStdString());
                if (!loaded) return finish(loaded.error());
                session->model = loaded->model;
                const ModelInfo mi = loaded->model->info();
                info.modelPath = qs(loaded->path);
                info.format = QString::fromLatin1(checkpointFormatName(loaded->format));
                info.arch = qs(mi.arch);
                info.nestedKey = qs(loaded->nestedKey);
                info.modelNotes = qsList(loaded->notes);
                info.latentDim = mi.latentDim;
                info.params = mi.params;
                info.fp32Bytes = mi.fp32Bytes();
                QStringList dims;
                for (auto d : mi.inputShape) dims << QString::number(d);
                info.inputShape = dims.join(QLatin1Char('x'));
                info.quantizable = dynamic_cast<const TinyVae*>(loaded->model.get()) != nullptr;
            } else if (req.reuse) {
                session->model = req.reuse->model;
                const SessionInfo& old = req.reuse->info;
                info.modelPath = old.modelPath;
                info.format = old.format;
                info.arch = old.arch;
                info.nestedKey = old.nestedKey;
                info.modelNotes = old.modelNotes;
                info.latentDim = old.latentDim;
                info.params = old.params;
                info.fp32Bytes = old.fp32Bytes;
                info.inputShape = old.inputShape;
                info.quantizable = old.quantizable;
            } else {
                return finish(fail("no model to open"));
            }

            auto spec = parseDataSpec(req.dataSpec.toStdString());
            if (!spec) return finish(spec.error());
            DatasetLoadOptions opts;
            opts.limit = req.limit;
            if (!req.split.isEmpty()) {
                auto split = parseSplit(req.split.toStdString());
                if (!split) return finish(split.error());
                opts.split = *split;
            }
            opts = optionsForModel(session->model->info(), opts);
            auto data = loadDataset(*spec, opts, sink.sub(0.05, 0.3));
            if (!data) return finish(data.error());
            auto mean = loadMeanImage(*spec, opts, sink.sub(0.3, 0.4));
            if (!mean) return finish(mean.error());
            auto ev = evaluateWithBaseline(*session->model, *data, *mean, 64, sink.sub(0.4, 1.0));
            if (!ev) return finish(ev.error());

            info.dataSpec = qs(spec->text);
            info.split = req.split;
            info.limit = req.limit;
            info.dataIdentity = qs(data->identity);
            info.dataNotes = qsList(data->notes);
            info.n = data->size();
            info.mse = ev->summary.mse;
            info.psnr = ev->summary.psnr;
            info.ssim = ev->summary.ssim;
            info.meanImageMse = ev->baselineSummary.mse;
            info.meanImagePsnr = ev->baselineSummary.psnr;
            info.meanImageSsim = ev->baselineSummary.ssim;
            info.meanImageSource = qs(mean->source);
            info.untrainedWarning = ev->untrained.warning;
            info.untrainedReason = qs(ev->untrained.reason);
            info.seconds = ev->seconds;
            session->data = std::make_shared<const Dataset>(std::move(*data));
            session->meanImage = std::make_shared<const MeanImage>(std::move(*mean));
            session->fp32 = std::make_shared<const ModelEvaluation>(std::move(*ev));
            out->session = std::move(session);
            promise.addResult(out);
        } catch (const std::exception& e) {
            auto failed = std::make_shared<Outcome>();
            failed->generation = generation;
            failed->error = QString::fromUtf8(e.what());
            promise.addResult(failed);
        }
    }));
}

}  // namespace pareto::ui
