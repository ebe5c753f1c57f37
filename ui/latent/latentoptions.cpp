#include "latent/latentoptions.h"

namespace pareto::ui {

QString latentMethodName(LatentMethod m) {
    switch (m) {
    case LatentMethod::Original: return QStringLiteral("original");
    case LatentMethod::Pca: return QStringLiteral("PCA");
    case LatentMethod::Trained: return QStringLiteral("trained");
    case LatentMethod::Distilled: return QStringLiteral("distilled");
    }
    return {};
}

QString LatentChoice::keyPart() const {
    if (method == LatentMethod::Original) return {};
    return latentMethodName(method).toLower() + QStringLiteral("-k") + QString::number(k);
}

const LatentMethodOptions* LatentOptions::find(LatentMethod m) const {
    for (const auto& o : methods)
        if (o.method == m) return &o;
    return nullptr;
}

}  // namespace pareto::ui
