// SPDX-License-Identifier: Apache-2.0
#include "session/modelinput.h"

#include <QRegularExpression>

namespace pareto::ui {

std::optional<QVector<qint64>> ModelInput::parseShape(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty()) return QVector<qint64>{};
    static const QRegularExpression re(QStringLiteral("^(\\d+)\\s*[,x×]\\s*(\\d+)\\s*[,x×]\\s*(\\d+)$"));
    const auto m = re.match(t);
    if (!m.hasMatch()) return std::nullopt;
    QVector<qint64> shape;
    for (int i = 1; i <= 3; ++i) {
        bool ok = false;
        const qint64 v = m.captured(i).toLongLong(&ok);
        if (!ok || v < 1 || v > 16384) return std::nullopt;
        shape << v;
    }
    return shape;
}

}  // namespace pareto::ui
