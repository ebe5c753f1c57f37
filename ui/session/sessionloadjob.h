// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/backgroundworker.h"
#include "session/modelinput.h"
#include "session/sessiondata.h"

#include <QObject>
#include <QVector>

#include <memory>

namespace pareto::ui {

/// @brief What to open: a checkpoint and/or a data set, and how much of it.
struct SessionRequest {
    QString modelPath;  ///< empty: keep the model of `reuse` and load new data for it
    SessionPtr reuse;   ///< the current session (data changes only)
    QString dataSpec;
    QString split;      ///< "", "test", "val", "train", "all"
    qint64 limit = -1;  ///< first N images of the split; < 0 keeps all
    /// Program files (TorchScript) run only when their SHA-256 is here or trustAll is set
    /// (a snapshot of TrustStore); otherwise the job asks with trustNeeded().
    QStringList trustedHashes;
    bool trustAll = false;
    /// A TorchScript model's input shape and value ranges (the Data panel).
    ModelInput input;
};

/// @brief Opens a checkpoint and its held-out data, and measures the FP32 model and the
/// mean-image baseline on it, on a worker thread.
///
/// Lives on the UI thread. start() copies the request; a newer start() cancels the older one,
/// whose result is dropped. The worker loads through core (loadModel, loadDataset,
/// loadMeanImage, evaluateWithBaseline) and hands back an immutable SessionData. The
/// destructor cancels and waits.
class SessionLoadJob : public QObject {
    Q_OBJECT
public:
    explicit SessionLoadJob(QObject* parent = nullptr);
    ~SessionLoadJob() override;

    void start(const SessionRequest& request);
    void cancel();
    /// True from start() until its answer (loaded, failed, cancelled) has been emitted.
    bool isRunning() const { return m_worker.isRunning(); }

Q_SIGNALS:
    /// fraction in [0, 1] and a short stage label.
    void progress(double fraction, const QString& stage);
    void loaded(const pareto::ui::SessionPtr& session);
    /// One line naming the file and the problem; not emitted for a cancel.
    void failed(const QString& message);
    /// The model file is a program (TorchScript) the user has not trusted: nothing from it
    /// ran. `sha256` identifies exactly this file for TrustStore.
    void trustNeeded(const QString& path, const QString& sha256, const QString& message);
    void cancelled();

private:
    struct Outcome;
    BackgroundWorker<Outcome> m_worker;  ///< running until the newest start() is answered
};

}  // namespace pareto::ui
