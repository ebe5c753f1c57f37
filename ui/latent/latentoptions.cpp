// SPDX-License-Identifier: Apache-2.0
#include "latent/latentoptions.h"

namespace pareto::ui {

QString latentMethodLabel(LatentMethod m) { return QString::fromLatin1(pareto::latentMethodName(m)); }

QString latentMethodKey(LatentMethod m) { return QString::fromLatin1(pareto::latentMethodId(m)); }

QString latentLabel(const LatentChoice& c) { return QString::fromStdString(c.label()); }

QString latentKey(const LatentChoice& c) { return QString::fromStdString(c.keyPart()); }

int latentSeed(const LatentChoice& c) { return c.seed ? static_cast<int>(*c.seed) : 0; }

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
