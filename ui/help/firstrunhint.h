// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace pareto::ui {

/// @brief A short hint over the work area on first launch: what to drag and what the chart
/// shows. *Got it* hides it for good (QSettings "hints/firstRunDone"). UI thread only.
class FirstRunHint : public QFrame {
    Q_OBJECT
public:
    explicit FirstRunHint(QWidget* parent = nullptr);

    /// Shows the hint unless the user dismissed it before.
    void showIfFirstRun();
    QString text() const;
    QPushButton* dismissButton() const { return m_dismiss; }

private:
    QLabel* m_text;
    QPushButton* m_dismiss;
};

}  // namespace pareto::ui
