// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMenu>

namespace pareto::ui {

/// @brief The studio's Help menu: the user guide (the README's studio section), About Pareto
/// Studio (versions, licence, third-party licences) and About Qt. Lives on the UI thread; further entries are added with
/// addAction() by the window that owns it.
class HelpMenu : public QMenu {
    Q_OBJECT
public:
    explicit HelpMenu(QWidget* parent = nullptr);
};

}  // namespace pareto::ui
