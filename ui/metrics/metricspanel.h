// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "eval/bootstrap.h"

#include <QPalette>
#include <QWidget>

class QGridLayout;
class QLabel;
class QProgressBar;

namespace pareto::ui {

class StudioController;

/// @brief "Current configuration": the size of what the sliders describe (bytes actually
/// stored, ratio, bits per parameter) and its held-out quality, streamed in with n and the
/// running 95 % CI, the paired delta vs FP32 (saying when its CI crosses 0), and A vs
/// current when a configuration is pinned. The figures are plain-text labels in a grid that
/// keeps its rows while a configuration is measured, so a slider step re-sets a few short
/// strings instead of laying out a rich-text table (that was ~14 ms of a 26 ms step). UI
/// thread only.
class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    /// The MSE estimate on screen (NaN mean when none), and whether it is final.
    Estimate shownMse() const { return m_shownMse; }
    bool shownComplete() const { return m_complete; }
    /// The MSE line as displayed.
    QString mseText() const;
    QString text() const;

private:
    /// One metric in the grid: its name and value on one line, the paired delta vs FP32 (amber
    /// when its CI crosses 0) on the next.
    struct Row {
        QLabel* name;
        QLabel* value;
        QLabel* delta;
    };

    void refresh();
    QLabel* cell(QGridLayout* grid, int row, int column, const QString& text = QString());

    StudioController* m_controller = nullptr;
    QLabel* m_title;
    QLabel* m_size;
    QLabel* m_n;
    QProgressBar* m_progress;
    QWidget* m_table;
    Row m_rows[3];
    QPalette m_deltaPalette;    // grey
    QPalette m_crossesPalette;  // amber: the delta's CI crosses 0
    QLabel* m_compare;
    Estimate m_shownMse;
    bool m_complete = false;
    QString m_mseText;
};

}  // namespace pareto::ui
