// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "latent/latentoptions.h"
#include "session/sessiondata.h"
#include "warnings/warningspanel.h"

#include <QObject>

#include <memory>

namespace pareto::ui {

/// @brief The seam between the latent slider and whatever makes models at other latent
/// sizes (PCA fold, trained models, distilled students: core/latent).
///
/// The controller tells it sessionOpened() when a session is in (FP32 figures measured),
/// asks options() to fill the slider, and requestModel() when the user picks a (method, k);
/// the provider answers with modelReady(), failed() or cancelled(), possibly later and from
/// a worker of its own (it must emit on the UI thread). The model handed back is an FP32
/// model the compression then applies to; the FP32 baseline of the comparison stays the
/// session's own model. UI thread.
class LatentModelProvider : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~LatentModelProvider() override = default;

    /// A session was opened: start whatever its options need (statistics, catalogs).
    virtual void sessionOpened(const SessionPtr& session) { (void)session; }
    /// What the slider may offer for `session`.
    virtual LatentOptions options(const SessionPtr& session) const = 0;
    /// Asks for the model at `choice`; answered by modelReady(), failed() or cancelled().
    virtual void requestModel(const SessionPtr& session, const LatentChoice& choice) = 0;
    /// One short line for the Controls panel's latent headline: the choice and its key figure.
    virtual QString headline(const SessionPtr& session, const LatentChoice& choice) const;
    /// Rich text for the Controls panel: what the model at `choice` is and how good it is.
    virtual QString describe(const SessionPtr& session, const LatentChoice& choice) const;
    /// How the FP32 model at `choice` was made, in words (an export's provenance).
    virtual QString provenance(const SessionPtr& session, const LatentChoice& choice) const;
    /// The checkpoint the model at `choice` comes from (its SHA-256 goes into a manifest).
    virtual QString sourceCheckpoint(const SessionPtr& session, const LatentChoice& choice) const;

Q_SIGNALS:
    void modelReady(quint64 sessionId, const pareto::ui::LatentChoice& choice, const std::shared_ptr<const pareto::Model>& model);
    void failed(quint64 sessionId, const pareto::ui::LatentChoice& choice, const QString& message);
    /// The job making the model at `choice` was cancelled (not an error).
    void cancelled(quint64 sessionId, const pareto::ui::LatentChoice& choice);
    /// options() or describe() changed for the open session (e.g. a training run finished).
    void optionsChanged();
    /// A non-fatal finding for the Warnings panel.
    void finding(pareto::ui::Severity severity, const QString& source, const QString& message);
};

}  // namespace pareto::ui
