// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "latent/latentmodelprovider.h"

namespace pareto::ui {

/// @brief The smallest provider: only the loaded model's own latent size (method
/// "original", k = L); PCA, trained and distilled models are listed as unavailable with the
/// reason. The studio window uses CoreLatentProvider; this one serves a controller used
/// without it. UI thread.
class OriginalLatentProvider : public LatentModelProvider {
    Q_OBJECT
public:
    using LatentModelProvider::LatentModelProvider;

    LatentOptions options(const SessionPtr& session) const override;
    void requestModel(const SessionPtr& session, const LatentChoice& choice) override;
};

}  // namespace pareto::ui
