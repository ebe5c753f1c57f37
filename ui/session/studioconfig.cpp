#include "session/studioconfig.h"

namespace pareto::ui {

QString StudioConfig::key() const {
    const QString s = QString::fromStdString(scheme.toString());
    const QString l = latent.keyPart();
    return l.isEmpty() ? s : l + QLatin1Char('|') + s;
}

QString StudioConfig::label() const {
    const QString s = QString::fromStdString(scheme.toString());
    if (latent.method == LatentMethod::Original) return s;
    return latent.label() + QStringLiteral(" · ") + s;
}

}  // namespace pareto::ui
