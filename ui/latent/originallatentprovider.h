#pragma once

#include "latent/latentmodelprovider.h"

namespace pareto::ui {

/// @brief The provider of this build: only the loaded model's own latent size (method
/// "original", k = L). PCA, trained and distilled models are listed as unavailable with the
/// reason, until core/latent provides them. UI thread.
class OriginalLatentProvider : public LatentModelProvider {
    Q_OBJECT
public:
    using LatentModelProvider::LatentModelProvider;

    LatentOptions options(const SessionPtr& session) const override;
    void requestModel(const SessionPtr& session, const LatentChoice& choice) override;
};

}  // namespace pareto::ui
