#pragma once
// The latent slider's vocabulary: which latent-dimension methods exist, which k each offers
// for the open model, and the (method, k) the user picked. Plain values, any thread.

#include <QString>
#include <QVector>

namespace pareto::ui {

/// How a model at latent size k is obtained. Original is the loaded model itself (k = L).
enum class LatentMethod { Original, Pca, Trained, Distilled };

/// "original", "PCA", "trained", "distilled"
QString latentMethodName(LatentMethod m);

/// @brief A point of the latent slider.
struct LatentChoice {
    LatentMethod method = LatentMethod::Original;
    int k = 0;  ///< latent dimension; for Original the model's L
    /// Part of a configuration key: "" for the original model, else e.g. "pca-k8".
    QString keyPart() const;
    bool operator==(const LatentChoice& o) const { return method == o.method && k == o.k; }
    bool operator!=(const LatentChoice& o) const { return !(*this == o); }
};

/// @brief What one method can offer for the open model.
struct LatentMethodOptions {
    LatentMethod method = LatentMethod::Original;
    QVector<int> ks;            ///< available latent sizes, ascending; empty when unavailable
    QString unavailableReason;  ///< shown as a tooltip when `ks` is empty
};

/// @brief Every method and its available k for the open model.
struct LatentOptions {
    int originalK = 0;                     ///< L of the loaded model
    QVector<LatentMethodOptions> methods;  ///< Original first
    const LatentMethodOptions* find(LatentMethod m) const;
};

}  // namespace pareto::ui
