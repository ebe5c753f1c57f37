#pragma once

#include "latent/latentoptions.h"
#include "session/sessiondata.h"

#include <QObject>

#include <memory>

namespace pareto::ui {

/// @brief The seam between the latent slider and whatever makes models at other latent
/// sizes (PCA fold, trained models, distilled students: core/latent).
///
/// The controller asks options() when a session opens (to fill the slider) and
/// requestModel() when the user picks a (method, k); the provider answers with modelReady()
/// or failed(), possibly later and from a worker of its own (it must emit on the UI thread).
/// The model handed back is an FP32 model the compression then applies to; the FP32
/// baseline of the comparison stays the session's own model. UI thread.
class LatentModelProvider : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~LatentModelProvider() override = default;

    /// What the slider may offer for `session`.
    virtual LatentOptions options(const SessionPtr& session) const = 0;
    /// Asks for the model at `choice`; answered by modelReady() or failed().
    virtual void requestModel(const SessionPtr& session, const LatentChoice& choice) = 0;

Q_SIGNALS:
    void modelReady(quint64 sessionId, const pareto::ui::LatentChoice& choice, const std::shared_ptr<const pareto::VaeModel>& model);
    void failed(quint64 sessionId, const pareto::ui::LatentChoice& choice, const QString& message);
    /// options() changed for the open session (e.g. a training run finished).
    void optionsChanged();
};

}  // namespace pareto::ui
