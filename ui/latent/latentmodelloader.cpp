#include "latent/latentmodelloader.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace pareto::ui {

LatentModelLoader::LatentModelLoader(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<LatentModelOutcome>::finished, this, [this] {
        m_running = false;
        const LatentModelOutcome out = m_watcher.future().resultCount() ? m_watcher.result() : LatentModelOutcome{};
        // Answer even when a newer task waits: the provider caches every model it is given.
        if (out.model) Q_EMIT ready(m_sessionId, m_choice, out.model);
        else Q_EMIT failed(m_sessionId, m_choice, out.error.isEmpty() ? tr("no model was made") : out.error);
        if (m_pending) {
            LatentModelTask next = std::move(*m_pending);
            m_pending.reset();
            launch(std::move(next));
        }
    });
}

LatentModelLoader::~LatentModelLoader() {
    m_pending.reset();
    m_pool.waitForDone();
}

void LatentModelLoader::request(LatentModelTask task) {
    if (m_running) {
        m_pending = std::move(task);
        return;
    }
    launch(std::move(task));
}

void LatentModelLoader::launch(LatentModelTask task) {
    m_running = true;
    m_sessionId = task.sessionId;
    m_choice = task.choice;
    auto make = std::move(task.make);
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [make]() -> LatentModelOutcome {
        // Anything thrown by core must not reach the UI thread.
        try {
            return make();
        } catch (const std::exception& e) {
            return {nullptr, QString::fromUtf8(e.what())};
        }
    }));
}

}  // namespace pareto::ui
