// SPDX-License-Identifier: Apache-2.0
#pragma once
// The latent slider's vocabulary: which latent-dimension methods exist and which k each
// offers for the open model. The (method, k, seed) the user picked is core's LatentChoice,
// the same value the CLI parses. Plain values, any thread.

#include "latent/latentchoice.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace pareto::ui {

using pareto::LatentChoice;
using pareto::LatentMethod;

/// "original", "PCA", "trained", "distilled"
QString latentMethodLabel(LatentMethod m);
/// The method's word in configuration keys and core's compound grid: "original", "pca",
/// "trained", "distill".
QString latentMethodKey(LatentMethod m);
/// "PCA k=8", "trained k=8 (seed 2)", "original L=16" (LatentChoice::label()).
QString latentLabel(const LatentChoice& c);
/// "" for the original model, else "pca-k8", "trained-k8-s2", "distilled-k8" (LatentChoice::keyPart()).
QString latentKey(const LatentChoice& c);
/// The trained model's seed as shown in the UI; 0 when there is none.
int latentSeed(const LatentChoice& c);

/// @brief What one method can offer for the open model.
struct LatentMethodOptions {
    LatentMethod method = LatentMethod::Original;
    QVector<int> ks;            ///< available latent sizes, ascending; empty when unavailable
    QString unavailableReason;  ///< shown as a tooltip when `ks` is empty
    /// Trained: the seeds available at each entry of `ks` (ascending), same length as `ks`.
    QVector<QVector<int>> seeds;
    /// The method can be chosen even with no k yet (distilled: choosing it starts a student).
    bool onDemand = false;
    QString summary;            ///< one line about the method for the open model (where its models come from)
};

/// @brief Every method and its available k for the open model.
struct LatentOptions {
    int originalK = 0;                     ///< L of the loaded model
    QVector<LatentMethodOptions> methods;  ///< Original first
    const LatentMethodOptions* find(LatentMethod m) const;
    /// The seeds of `method` at k (empty unless the method has seeds).
    QVector<int> seedsAt(LatentMethod method, int k) const;
};

}  // namespace pareto::ui
