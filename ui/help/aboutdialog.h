// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>
#include <QString>

class QTabWidget;

namespace pareto::ui {

/// @brief Help → About Pareto Studio: the version, the versions of Qt, LibTorch and OpenCV
/// it was built with (and the Qt and BLAS it runs on), the Apache-2.0 licence text and the
/// third-party licences (THIRD-PARTY.md), both compiled into the program. UI thread only.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    /// One line per library, "Qt 6.4.2 (running 6.4.2)"-style, as the About tab shows them.
    static QString libraryVersions();
    /// The licence and third-party texts as compiled in (empty if the resource is missing).
    static QString licenceText();
    static QString thirdPartyText();

private:
    QTabWidget* m_tabs = nullptr;
};

}  // namespace pareto::ui
