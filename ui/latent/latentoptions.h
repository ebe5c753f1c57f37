#pragma once
// The latent slider's vocabulary: which latent-dimension methods exist, which k each offers
// for the open model, and the (method, k, seed) the user picked. Plain values, any thread.

#include <QString>
#include <QStringList>
#include <QVector>

namespace pareto::ui {

/// How a model at latent size k is obtained. Original is the loaded model itself (k = L).
enum class LatentMethod { Original, Pca, Trained, Distilled };

/// "original", "PCA", "trained", "distilled"
QString latentMethodName(LatentMethod m);
/// The method's word in configuration keys and core's compound grid: "original", "pca",
/// "trained", "distill".
QString latentMethodId(LatentMethod m);

/// @brief A point of the latent slider.
struct LatentChoice {
    LatentMethod method = LatentMethod::Original;
    int k = 0;     ///< latent dimension; for Original the model's L
    int seed = 0;  ///< Trained: the seed of the catalog model shown (> 0); 0 for the other methods
    /// Part of a configuration key: "" for the original model, else e.g. "pca-k8",
    /// "trained-k8-s2", "distilled-k8".
    QString keyPart() const;
    /// "PCA k=8", "trained k=8 (seed 2)", "original L=16"
    QString label() const;
    bool operator==(const LatentChoice& o) const { return method == o.method && k == o.k && seed == o.seed; }
    bool operator!=(const LatentChoice& o) const { return !(*this == o); }
};

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
