// SPDX-License-Identifier: Apache-2.0
#pragma once
// One point of the studio's design space: a latent choice and a weight scheme.

#include "latent/latentoptions.h"
#include "quant/quantscheme.h"

#include <QString>

namespace pareto::ui {

/// @brief The configuration the sliders describe. Plain value, any thread.
struct StudioConfig {
    LatentChoice latent;
    QuantScheme scheme;

    /// Unique, stable identity: "int4-g64", "pca-k8|int4-g64". Equal keys mean equal configs.
    QString key() const;
    /// What a person reads: "int4-g64", or "PCA k=8 · int4-g64", "trained k=8 (seed 1) · nf4".
    QString label() const;
    bool operator==(const StudioConfig& o) const { return latent == o.latent && scheme == o.scheme; }
    bool operator!=(const StudioConfig& o) const { return !(*this == o); }
};

}  // namespace pareto::ui
