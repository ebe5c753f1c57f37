#pragma once

#include "reconstruction/previewresult.h"
#include "session/sessiondata.h"
#include "session/studioconfig.h"

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace pareto::ui {

/// @brief Everything one preview needs, copied on the UI thread.
struct PreviewRequest {
    quint64 generation = 0;
    SessionPtr session;
    std::shared_ptr<const VaeModel> base;   ///< the FP32 model at the chosen latent size
    StudioConfig config;
    QVector<int> indices;                   ///< held-out images to show
    ErrorReference reference = ErrorReference::Original;
    float lockedScale = 0.0f;               ///< > 0: use this colour scale instead of the data's
    std::shared_ptr<const VaeModel> pinned; ///< A's compressed model, or null
    QString pinnedLabel;
};

/// @brief Re-quantizes the model (core compressModel) and reconstructs the preview images,
/// on its own worker thread so nothing else queues in front of it.
///
/// Lives on the UI thread. Latest request wins: at most one worker runs; a request arriving
/// meanwhile replaces any pending one, and a result finished while a newer request waits is
/// dropped unseen. What does not change with the configuration (the selected originals, the
/// FP32 and A reconstructions) is kept between requests. The destructor waits for the worker.
class PreviewJob : public QObject {
    Q_OBJECT
public:
    explicit PreviewJob(QObject* parent = nullptr);
    ~PreviewJob() override;

    void request(const PreviewRequest& request);
    bool busy() const { return m_running; }

Q_SIGNALS:
    void ready(const pareto::ui::PreviewResult& result);
    void failed(quint64 generation, const QString& key, const QString& message);

private:
    struct Outcome;
    struct Cache;
    void launch(const PreviewRequest& request);

    QThreadPool m_pool;
    QFutureWatcher<std::shared_ptr<Outcome>> m_watcher;
    std::optional<PreviewRequest> m_pending;
    std::shared_ptr<Cache> m_cache;  ///< what does not depend on the configuration, worker side
    bool m_running = false;
};

}  // namespace pareto::ui
