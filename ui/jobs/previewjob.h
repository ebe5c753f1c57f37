// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "reconstruction/previewresult.h"
#include "session/sessiondata.h"
#include "session/studioconfig.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace pareto {
class PreviewCache;
struct PreviewRender;
}

namespace pareto::ui {

/// @brief Everything one preview needs, copied on the UI thread.
struct PreviewRequest {
    quint64 generation = 0;
    SessionPtr session;
    std::shared_ptr<const Model> base;   ///< the FP32 model at the chosen latent size
    StudioConfig config;
    QVector<int> indices;                ///< held-out images to show
    ErrorReference reference = ErrorReference::Original;
    float lockedScale = 0.0f;            ///< > 0: use this colour scale instead of the data's
    std::shared_ptr<const Model> pinned; ///< A's compressed model, or null
    QString pinnedLabel;
};

/// @brief Renders previews (core renderPreview: compress, reconstruct, error maps) and turns
/// them into pictures, on its own worker so nothing else queues in front of it.
///
/// Lives on the UI thread. Latest request wins (Supersede::Queue): a request arriving while
/// one renders waits, replacing any waiting one, and the render it superseded is dropped
/// unseen. The pictures of what does not change with the configuration (the originals, the
/// FP32 and A reconstructions) are kept between requests. Images of 128 x 128 pixels or more
/// (224 x 224 models: 15-25 ms an image on two cores, so eight take over 100 ms) show
/// their first image alone first: `ready` comes twice, with PreviewResult::partial set the
/// first time. By image size, not by measured time, so what a user (or a test) sees does not
/// depend on how busy the machine is.
class PreviewJob : public QObject {
    Q_OBJECT
public:
    explicit PreviewJob(QObject* parent = nullptr);
    ~PreviewJob() override;

    void request(const PreviewRequest& request);
    /// Images of at least `pixels` (height x width) show their first alone first (tests: 0, always).
    void setFirstImageAloneFrom(qint64 pixels) { m_firstImageAloneFrom = pixels; }
    bool busy() const { return m_worker.isRunning(); }

Q_SIGNALS:
    void ready(const pareto::ui::PreviewResult& result);
    void failed(quint64 generation, const QString& key, const QString& message);

private:
    struct Outcome;
    struct Pictures;
    /// The pictures and numbers of `render`: its first `rendered()` images, the rest pending.
    static void fillSamples(PreviewResult& r, const pareto::PreviewRender& render, const SessionData& session, Pictures& pictures);

    std::shared_ptr<PreviewCache> m_cache;  ///< core's cache of the fixed tensors, worker side
    std::shared_ptr<Pictures> m_pictures;   ///< their pictures, worker side
    std::shared_ptr<std::atomic<quint64>> m_latest;  ///< the newest request's generation
    qint64 m_firstImageAloneFrom = 128 * 128;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
