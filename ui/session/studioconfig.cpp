// SPDX-License-Identifier: Apache-2.0
#include "session/studioconfig.h"

namespace pareto::ui {

QString StudioConfig::key() const {
    const QString s = QString::fromStdString(scheme.toString());
    const QString l = latentKey(latent);
    return l.isEmpty() ? s : l + QLatin1Char('|') + s;
}

QString StudioConfig::label() const {
    const QString s = QString::fromStdString(scheme.toString());
    if (latent.method == LatentMethod::Original) return s;
    return latentLabel(latent) + QStringLiteral(" · ") + s;
}

}  // namespace pareto::ui
