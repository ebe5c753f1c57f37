#include "session/sessionloadjob.h"


#include "common/hash.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"
#include "model/tinyvae.h"


#include <exception>

namespace pareto::ui {

struct SessionLoadJob::Outcome {
    SessionPtr session;
    bool cancelled = false;
    QString error;
    bool needsTrust = false;
    QString path, sha256;
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

SessionLoadJob::SessionLoadJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->cancelled) Q_EMIT cancelled();
              else if (out->needsTrust) Q_EMIT trustNeeded(out->path, out->sha256, out->error);
              else if (!out->session) Q_EMIT failed(out->error);
              else Q_EMIT loaded(out->session);
          },
          tr("Opening a model")) {}

SessionLoadJob::~SessionLoadJob() = default;

void SessionLoadJob::cancel() { m_worker.cancel(); }

void SessionLoadJob::start(const SessionRequest& request) {
    const SessionRequest req = request;
    m_worker.start([req](const ProgressSink& sink) {
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            auto out = std::make_shared<Outcome>();
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = qs(e.message);
                return out;
            };

            auto session = std::make_shared<SessionData>();
            session->id = ++g_sessionIds;
            SessionInfo& info = session->info;
            if (!req.modelPath.isEmpty()) {
                const std::string path = req.modelPath.toStdString();
                sink.update(0.0, "opening " + path);
                CheckpointLoadOptions lo;
                // A program file runs only if the user trusted exactly these bytes.
                if (auto format = detectCheckpointFormat(path); format && *format == CheckpointFormat::TorchScript) {
                    auto sha = sha256File(path);
                    if (!sha) return finish(sha.error());
                    out->sha256 = qs(*sha);
                    lo.trustCode = req.trustAll || req.trustedHashes.contains(out->sha256);
                }
                auto loaded = loadModel(path, lo);
                if (!loaded && loaded.error().needsTrust()) {
                    out->needsTrust = true;
                    out->path = req.modelPath;
                    out->error = qs(loaded.error().message);
                    return out;
                }
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
            return out;
        } catch (const std::exception& e) {
            auto failed = std::make_shared<Outcome>();
            failed->error = QString::fromUtf8(e.what());
            return failed;
        }
    });
}

}  // namespace pareto::ui
