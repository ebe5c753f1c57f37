// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QTextBrowser;

namespace pareto::ui {

/// @brief *Help → User guide*: the README's section on the studio, compiled in (so an
/// installed copy needs no file beside it), rendered from its Markdown. UI thread only.
class UserGuideDialog : public QDialog {
    Q_OBJECT
public:
    explicit UserGuideDialog(QWidget* parent = nullptr);

    /// The README section shown: from "## The studio" to the next "## " heading.
    static QString guideMarkdown();
    QTextBrowser* browser() const { return m_browser; }

private:
    QTextBrowser* m_browser;
};

}  // namespace pareto::ui
