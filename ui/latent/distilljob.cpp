// SPDX-License-Identifier: Apache-2.0
#include "latent/distilljob.h"

#include "jobs/computethreads.h"
#include "jobs/workergate.h"

#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "eval/modelevaluation.h"
#include "latent/distillation.h"
#include "latent/distillationstudy.h"
#include "latent/gaprecovered.h"
#include "latent/latentvariantbuilder.h"
#include "model/modelloader.h"

#include <QElapsedTimer>

#include <exception>

namespace pareto::ui {

struct DistillJob::Outcome {
    DistilledModel result;
    bool cancelled = false;
    QString error;
};

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

DistillJob::DistillJob(QObject* parent)
    : QObject(parent),
      m_worker(
          this, [this](double f, const QString& stage) { Q_EMIT progress(f, stage); },
          [this](const std::shared_ptr<Outcome>& out) {
              const int k = m_k;
              m_k = 0;
              if (out) {
                  if (out->cancelled) Q_EMIT cancelled(out->result.sessionId, k);
                  else if (!out->result.model) Q_EMIT failed(out->result.sessionId, k, out->error);
                  else Q_EMIT finished(out->result);
              }
              if (m_pending) {
                  DistillRequest next = std::move(*m_pending);
                  m_pending.reset();
                  launch(next);
              }
          }) {}

DistillJob::~DistillJob() {
    m_pending.reset();
    m_worker.cancel();
    if (m_gate) m_gate->release();  // the worker waits for it in its destructor
}

void DistillJob::cancel() {
    m_pending.reset();
    m_worker.cancel();
}

int DistillJob::runningK() const { return m_pending ? m_pending->k : m_worker.isRunning() ? m_k : 0; }

void DistillJob::request(const DistillRequest& request) {
    if (m_worker.isRunning()) {
        m_worker.cancel();
        m_pending = request;
        return;
    }
    launch(request);
}

void DistillJob::launch(const DistillRequest& req) {
    m_k = req.k;
    const std::shared_ptr<WorkerGate> gate = m_gate;
    Q_EMIT started(req.session->id, req.k);
    m_worker.start([req, gate](const ProgressSink& sink) {
        auto out = std::make_shared<Outcome>();
        DistilledModel& r = out->result;
        r.sessionId = req.session->id;
        r.k = req.k;
        r.settings = req.settings;
        // Core reports errors as Results; anything thrown past it still must not reach the UI thread.
        try {
            useOneComputeThread();  // a background job: one core stays with the window and the preview
            QElapsedTimer clock;
            clock.start();
            const auto finish = [&](const Error& e) {
                out->cancelled = e.isCancelled();
                out->error = qs(e.message);
                return out;
            };
            const std::shared_ptr<const Model> teacher = req.session->model;
            if (const std::string why = whyNoDistillation(*teacher); !why.empty()) return finish(fail(why));
            auto spec = parseDataSpec(req.session->info.dataSpec.toStdString());
            if (!spec) return finish(spec.error());
            DatasetLoadOptions o = optionsForModel(teacher->info(), {});
            o.split = Split::Train;
            o.limit = req.settings.trainImages;
            auto train = loadDataset(*spec, o, sink.sub(0.0, 0.04));
            if (!train) return finish(train.error());
            o.split = Split::Validation;
            o.limit = req.settings.valImages;
            auto val = loadDataset(*spec, o, sink.sub(0.04, 0.06));
            if (!val) return finish(val.error());
            if (gate) gate->pass(0);

            // The catalog's models trained from scratch at k: the far end of the gap. One that
            // does not fit is left out with a warning (the catalog is the user's folder).
            std::vector<ScratchModel> scratch;
            for (const QString& path : req.scratchPaths) {
                auto m = loadTrainedModel(path.toStdString(), req.k, teacher->info());
                if (!m) {
                    r.warnings << qs(m.error().message) + QObject::tr(": left out of the gap recovered");
                    continue;
                }
                scratch.push_back({path.toStdString(), *m});
            }
            DistillConfig dc;
            dc.epochs = req.settings.epochs;
            dc.batchSize = req.settings.batchSize;
            dc.learningRate = req.settings.learningRate;
            dc.beta = req.settings.beta;
            dc.teacherWeight = req.settings.teacherWeight;
            dc.seed = static_cast<uint64_t>(req.settings.seed);
            dc.patience = req.settings.patience;
            // One workflow with `pareto latent --method distill`: distil, then measure the fold,
            // the student and the scratch models on the held-out images.
            auto study = distillWithGap(teacher, *req.stats, req.k, *train, *val, dc, *req.session->data, scratch, 64, sink.sub(0.06, 1.0));
            if (!study) return finish(study.error());
            const DistillResult& d = study->distilled;
            r.model = d.student();
            r.trainData = qs(d.trainData);
            r.trainImages = train->size();
            r.epochsRun = static_cast<int>(d.training.history.size());
            r.bestEpoch = d.training.bestEpoch;
            r.stoppedEarly = d.training.stoppedEarly;
            r.secondsPerEpoch = d.training.secondsPerEpoch;
            r.explainedVariance = d.projection.explainedVariance;
            const GapRecovered& g = study->gap;
            r.n = g.n;
            r.scratchModels = g.scratchModels;
            r.gapDefined = g.defined;
            r.gap = g.recovered;
            r.msePca = g.msePca;
            r.mseStudent = g.mseStudent;
            r.mseScratch = g.mseScratch;
            r.gapNote = qs(g.note);
            r.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
            sink.update(1.0, "student ready");
            return out;
        } catch (const std::exception& e) {
            out->error = QStringLiteral("distilling a student at k=%1 failed: %2").arg(req.k).arg(QString::fromUtf8(e.what()));
            out->result.model.reset();
            return out;
        }
    });
}

}  // namespace pareto::ui
