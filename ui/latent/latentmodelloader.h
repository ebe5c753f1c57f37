// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "latent/latentoptions.h"

#include <QObject>

#include <functional>
#include <memory>

namespace pareto {
class Model;
}

namespace pareto::ui {

/// @brief What a LatentModelLoader task made: a model, or why not.
struct LatentModelOutcome {
    std::shared_ptr<const Model> model;
    QString error;
};

/// @brief One cheap latent model to make on the worker: a PCA fold at k, a trained
/// checkpoint read from disk. `make` runs on the worker and must touch only what it captured.
struct LatentModelTask {
    quint64 sessionId = 0;
    LatentChoice choice;
    std::function<LatentModelOutcome()> make;
};

/// @brief Makes the latent slider's cheap models off the UI thread, on a BackgroundWorker:
/// one task at a time; a task arriving meanwhile replaces any waiting one (latest wins — a
/// drag over k asks for many folds, only the last matters), and every finished task is still
/// answered (the provider caches every model it is given). UI thread.
class LatentModelLoader : public QObject {
    Q_OBJECT
public:
    explicit LatentModelLoader(QObject* parent = nullptr);
    ~LatentModelLoader() override;

    void request(LatentModelTask task);
    bool busy() const { return m_worker.isRunning(); }

Q_SIGNALS:
    void ready(quint64 sessionId, const pareto::ui::LatentChoice& choice, const std::shared_ptr<const pareto::Model>& model);
    void failed(quint64 sessionId, const pareto::ui::LatentChoice& choice, const QString& message);

private:
    struct Outcome;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
