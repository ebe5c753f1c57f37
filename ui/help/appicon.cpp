// SPDX-License-Identifier: Apache-2.0
#include "help/appicon.h"

#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

namespace pareto::ui {

QIcon applicationIcon() {
    static const QIcon icon = [] {
        QIcon i;
        QSvgRenderer svg(QStringLiteral(":/help/app-icon.svg"));
        if (!svg.isValid()) return i;
        for (int size : {16, 24, 32, 48, 64, 128, 256}) {
            QPixmap pm(size, size);
            pm.fill(Qt::transparent);
            QPainter p(&pm);
            svg.render(&p);
            p.end();
            i.addPixmap(pm);
        }
        return i;
    }();
    return icon;
}

}  // namespace pareto::ui
