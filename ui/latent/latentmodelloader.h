#pragma once

#include "latent/latentoptions.h"

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>

namespace pareto {
class VaeModel;
}

namespace pareto::ui {

/// @brief What a LatentModelLoader task made: a model, or why not.
struct LatentModelOutcome {
    std::shared_ptr<const VaeModel> model;
    QString error;
};

/// @brief One cheap latent model to make on the worker: a PCA fold at k, a trained
/// checkpoint read from disk. `make` runs on the worker and must touch only what it captured.
struct LatentModelTask {
    quint64 sessionId = 0;
    LatentChoice choice;
    std::function<LatentModelOutcome()> make;
};

/// @brief Makes the latent slider's cheap models off the UI thread: one task at a time on
/// its own worker; a task arriving meanwhile replaces any waiting one (latest wins — a drag
/// over k asks for many folds, only the last matters). Lives on the UI thread; the
/// destructor waits for the running task.
class LatentModelLoader : public QObject {
    Q_OBJECT
public:
    explicit LatentModelLoader(QObject* parent = nullptr);
    ~LatentModelLoader() override;

    void request(LatentModelTask task);
    bool busy() const { return m_running; }

Q_SIGNALS:
    void ready(quint64 sessionId, const pareto::ui::LatentChoice& choice, const std::shared_ptr<const pareto::VaeModel>& model);
    void failed(quint64 sessionId, const pareto::ui::LatentChoice& choice, const QString& message);

private:
    void launch(LatentModelTask task);

    QThreadPool m_pool;
    QFutureWatcher<LatentModelOutcome> m_watcher;
    std::optional<LatentModelTask> m_pending;
    quint64 m_sessionId = 0;
    LatentChoice m_choice;
    bool m_running = false;
};

}  // namespace pareto::ui
