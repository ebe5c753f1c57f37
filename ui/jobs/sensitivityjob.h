// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/sessiondata.h"

#include "eval/bootstrap.h"
#include "quant/quantscheme.h"

#include <QObject>
#include <QVector>

#include <memory>

namespace pareto::ui {

/// @brief One layer quantized alone, as the sensitivity chart shows it.
struct SensitivityLayer {
    QString name;
    qint64 params = 0, fp32Bytes = 0, bytes = 0, bytesSaved = 0;
    double mse = 0;
    DeltaEstimate deltaMse;  ///< MSE - FP32 MSE, paired per image
};

/// @brief The result of measureLayerSensitivity for one scheme, largest harm first.
struct SensitivityResult {
    QString scheme;
    QString dataIdentity;
    qint64 n = 0;
    Estimate fp32Mse;
    QVector<SensitivityLayer> layers;
};

struct SensitivityRequest {
    SessionPtr session;
    std::shared_ptr<const Model> base;  ///< FP32 model at the chosen latent size
    QuantScheme scheme;
    int calibrationImages = 256;           ///< the first N held-out images (as `pareto sensitivity`)
};

/// @brief Per-layer sensitivity (core measureLayerSensitivity) as a cancellable background
/// job with progress. UI thread; one at a time, on its own worker; the destructor cancels
/// and waits.
class SensitivityJob : public QObject {
    Q_OBJECT
public:
    explicit SensitivityJob(QObject* parent = nullptr);
    ~SensitivityJob() override;

    bool start(const SensitivityRequest& request);
    void cancel();
    bool isRunning() const { return m_worker.isRunning(); }

Q_SIGNALS:
    void progress(double fraction, const QString& stage);
    void finished(const pareto::ui::SensitivityResult& result);
    void failed(const QString& message);
    void cancelled();

private:
    struct Outcome;
    BackgroundWorker<Outcome> m_worker;
};

}  // namespace pareto::ui
