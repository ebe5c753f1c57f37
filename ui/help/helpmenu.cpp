// SPDX-License-Identifier: Apache-2.0
#include "help/helpmenu.h"

#include "help/aboutdialog.h"

#include <QAction>
#include <QApplication>

namespace pareto::ui {

HelpMenu::HelpMenu(QWidget* parent) : QMenu(tr("&Help"), parent) {
    setObjectName(QStringLiteral("helpMenu"));
    QAction* about = addAction(tr("&About Pareto Studio"), this, [this] {
        AboutDialog dialog(parentWidget());
        dialog.exec();
    });
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    QAction* aboutQt = addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

}  // namespace pareto::ui
