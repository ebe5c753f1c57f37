// SPDX-License-Identifier: Apache-2.0
#include "help/helpmenu.h"

#include "help/aboutdialog.h"
#include "help/userguidedialog.h"

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
    QAction* guide = addAction(tr("&User guide"), this, [this] {
        auto* dialog = new UserGuideDialog(parentWidget());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    guide->setObjectName(QStringLiteral("userGuideAction"));
    guide->setShortcut(QKeySequence::HelpContents);
    addSeparator();
    QAction* aboutQt = addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

}  // namespace pareto::ui
