// SPDX-License-Identifier: Apache-2.0
#include "latent/latentmodelloader.h"

#include <exception>

namespace pareto::ui {

struct LatentModelLoader::Outcome {
    quint64 sessionId = 0;
    LatentChoice choice;
    LatentModelOutcome made;
};

LatentModelLoader::LatentModelLoader(QObject* parent)
    : QObject(parent),
      m_worker(
          this, nullptr,
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->made.model) Q_EMIT ready(out->sessionId, out->choice, out->made.model);
              else Q_EMIT failed(out->sessionId, out->choice, out->made.error.isEmpty() ? tr("no model was made") : out->made.error);
          },
          tr("Making a latent model"), Supersede::QueueKeep) {}

LatentModelLoader::~LatentModelLoader() = default;

void LatentModelLoader::request(LatentModelTask task) {
    m_worker.start([task = std::move(task)](const ProgressSink&) {
        auto out = std::make_shared<Outcome>();
        out->sessionId = task.sessionId;
        out->choice = task.choice;
        // Anything thrown by core must not reach the UI thread.
        try {
            out->made = task.make();
        } catch (const std::exception& e) {
            out->made = {nullptr, QString::fromUtf8(e.what())};
        }
        return out;
    });
}

}  // namespace pareto::ui
