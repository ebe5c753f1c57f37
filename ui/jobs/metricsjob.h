// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/evaluatedconfig.h"
#include "session/sessiondata.h"

#include <QObject>

#include <memory>

namespace pareto::ui {

/// @brief One configuration to measure on every held-out image.
struct MetricsRequest {
    quint64 generation = 0;
    SessionPtr session;
    std::shared_ptr<const Model> model;  ///< the compressed model the preview made
    StudioConfig config;
    qint64 params = 0, bytes = 0, fp32Bytes = 0;
    double ratio = 0, bitsPerParam = 0;
    std::shared_ptr<const Model> base;  ///< its FP32 model, for the record's weightsId
};

/// @brief Streams the held-out metrics of one configuration: mean and 95 % CI after every
/// chunk of images (core evaluateStreaming), paired per image with the FP32 baseline.
///
/// Lives on the UI thread, runs core on its BackgroundWorker. Latest request wins: a new
/// request cancels the running one (it stops at its next batch) and runs once it has stopped;
/// updates of a superseded request are dropped. The destructor cancels and waits.
class MetricsJob : public QObject {
    Q_OBJECT
public:
    explicit MetricsJob(QObject* parent = nullptr);
    ~MetricsJob() override;

    void request(const MetricsRequest& request);
    void cancel();
    bool busy() const { return m_worker.isRunning(); }

Q_SIGNALS:
    /// Running figures (record.complete false) and, last, the complete ones.
    void updated(quint64 generation, const pareto::ui::EvaluatedConfig& record);
    void failed(quint64 generation, const QString& key, const QString& message);

private:
    struct Update;
    void emitUpdate(const std::shared_ptr<Update>& u);

    quint64 m_runningGeneration = 0;
    BackgroundWorker<Update> m_worker;
};

}  // namespace pareto::ui
