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

QString latentMethodId(LatentMethod m) {
    switch (m) {
    case LatentMethod::Original: return QStringLiteral("original");
    case LatentMethod::Pca: return QStringLiteral("pca");
    case LatentMethod::Trained: return QStringLiteral("trained");
    case LatentMethod::Distilled: return QStringLiteral("distill");
    }
    return {};
}

QString LatentChoice::keyPart() const {
    switch (method) {
    case LatentMethod::Original: return {};
    case LatentMethod::Pca: return QStringLiteral("pca-k%1").arg(k);
    case LatentMethod::Trained: return QStringLiteral("trained-k%1-s%2").arg(k).arg(seed);
    case LatentMethod::Distilled: return QStringLiteral("distilled-k%1").arg(k);
    }
    return {};
}

QString LatentChoice::label() const {
    switch (method) {
    case LatentMethod::Original: return QStringLiteral("original L=%1").arg(k);
    case LatentMethod::Pca: return QStringLiteral("PCA k=%1").arg(k);
    case LatentMethod::Trained: return QStringLiteral("trained k=%1 (seed %2)").arg(k).arg(seed);
    case LatentMethod::Distilled: return QStringLiteral("distilled k=%1").arg(k);
    }
    return {};
}

const LatentMethodOptions* LatentOptions::find(LatentMethod m) const {
    for (const auto& o : methods)
        if (o.method == m) return &o;
    return nullptr;
}

QVector<int> LatentOptions::seedsAt(LatentMethod m, int k) const {
    const LatentMethodOptions* o = find(m);
    if (!o) return {};
    const int i = static_cast<int>(o->ks.indexOf(k));
    return i >= 0 && i < o->seeds.size() ? o->seeds[i] : QVector<int>{};
}

}  // namespace pareto::ui
