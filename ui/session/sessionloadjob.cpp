// SPDX-License-Identifier: Apache-2.0
#include "session/sessionloadjob.h"


#include "common/hash.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "eval/sessionopening.h"
#include "io/checkpoint.h"
#include "latent/latentvariantbuilder.h"
#include "model/modelloader.h"
#include "model/weightshash.h"


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
            auto spec = parseDataSpec(req.dataSpec.toStdString());
            if (!spec) return finish(spec.error());
            DatasetLoadOptions opts;
            opts.limit = req.limit;
            if (!req.split.isEmpty()) {
                auto split = parseSplit(req.split.toStdString());
                if (!split) return finish(split.error());
                opts.split = *split;
            }

            auto session = std::make_shared<SessionData>();
            session->id = ++g_sessionIds;
            SessionInfo& info = session->info;
            std::optional<OpenedSession> opened;
            if (!req.modelPath.isEmpty()) {
                // The step `pareto eval` takes too: the model (its input settled against the
                // data), the images in its shape, the mean image, the FP32 measurement.
                pareto::SessionRequest core;
                core.modelPath = req.modelPath.toStdString();
                if (req.input.shape.size() == 3) core.scripted.inputShape = std::vector<int64_t>(req.input.shape.begin(), req.input.shape.end());
                core.scripted.inputRange = {req.input.inputLo, req.input.inputHi};
                core.scripted.outputRange = {req.input.outputLo, req.input.outputHi};
                core.data = *spec;
                core.options = opts;
                // A program file runs only if the user trusted exactly these bytes.
                if (auto format = detectCheckpointFormat(core.modelPath); format && *format == CheckpointFormat::TorchScript) {
                    auto sha = sha256File(core.modelPath);
                    if (!sha) return finish(sha.error());
                    out->sha256 = qs(*sha);
                    core.load.trustCode = req.trustAll || req.trustedHashes.contains(out->sha256);
                }
                auto o = openSession(core, sink);
                if (!o && o.error().needsTrust()) {
                    out->needsTrust = true;
                    out->path = req.modelPath;
                    out->error = qs(o.error().message);
                    return out;
                }
                if (!o) return finish(o.error());
                opened = std::move(*o);
                const LoadedModel& loaded = opened->loaded;
                session->model = loaded.model;
                const ModelInfo mi = loaded.model->info();
                info.modelPath = qs(loaded.path);
                info.format = QString::fromLatin1(checkpointFormatName(loaded.format));
                info.arch = qs(mi.arch);
                info.description = qs(loaded.model->describe());
                info.interface = QString::fromLatin1(modelInterfaceName(mi.interface));
                info.latentKind = QString::fromLatin1(latentKindName(mi.latent.kind));
                info.inputRange = qs(valueRangeText(mi.inputRange));
                info.outputRange = qs(valueRangeText(mi.outputRange));
                info.nestedKey = qs(loaded.nestedKey);
                info.modelNotes = qsList(loaded.notes);
                info.latentDim = mi.latentDim;
                info.params = mi.params;
                info.bufferValues = mi.bufferValues;
                info.fp32Bytes = mi.fp32Bytes();
                info.weightsHash = qs(weightsHash(*loaded.model));
                QStringList dims;
                for (auto d : mi.inputShape) dims << QString::number(d);
                info.inputShape = dims.join(QLatin1Char('x'));
                bool any = false;
                for (const auto& t : loaded.model->tensors()) any = any || t.quantizedByDefault;
                info.quantizable = any;
                info.latentReason = qs(whyNoLatentMethod(LatentMethod::Pca, *loaded.model));
            } else if (req.reuse) {
                session->model = req.reuse->model;
                info = req.reuse->info;
                auto images = loadSessionImages(*session->model, *spec, opts, sink.sub(0.0, 0.4));
                if (!images) return finish(images.error());
                auto ev = evaluateWithBaseline(*session->model, images->data, images->mean, 64, sink.sub(0.4, 1.0));
                if (!ev) return finish(ev.error());
                opened = OpenedSession{LoadedModel{}, std::move(*images), std::move(*ev)};
            } else {
                return finish(fail("no model to open"));
            }

            const Dataset& data = opened->images.data;
            const ModelEvaluation& ev = opened->fp32;
            info.dataSpec = qs(spec->text);
            info.split = req.split;
            info.limit = req.limit;
            info.dataIdentity = qs(data.identity);
            info.dataNotes = qsList(data.notes);
            info.n = data.size();
            info.mse = ev.summary.mse;
            info.psnr = ev.summary.psnr;
            info.ssim = ev.summary.ssim;
            info.meanImageMse = ev.baselineSummary.mse;
            info.meanImagePsnr = ev.baselineSummary.psnr;
            info.meanImageSsim = ev.baselineSummary.ssim;
            info.meanImageSource = qs(opened->images.mean.source);
            info.untrainedWarning = ev.untrained.warning;
            info.untrainedReason = qs(ev.untrained.reason);
            info.seconds = ev.seconds;
            session->data = std::make_shared<const Dataset>(std::move(opened->images.data));
            session->meanImage = std::make_shared<const MeanImage>(std::move(opened->images.mean));
            session->fp32 = std::make_shared<const ModelEvaluation>(std::move(opened->fp32));
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
