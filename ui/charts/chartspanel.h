// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/uiformat.h"
#include "session/studioconfig.h"

#include <QWidget>

#include <vector>

class QAction;
class QComboBox;
class QScrollArea;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace pareto::ui {

class ConfigTableModel;
class QualityChart;
class SensitivityChart;
class StudioController;

/// @brief The Charts panel: tabs of views over the evaluated configurations (quality vs
/// size with the Pareto front, per-layer sensitivity, the table), the metric selector, the
/// sweep and sensitivity jobs, and export of the visible chart (PNG/SVG) and of the table
/// (CSV). More views plug in with addView() (the latent × bits heat map). UI thread only.
class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    /// Adds a tab; exportView() works on any tab (rendered as a widget). Returns its index.
    int addView(const QString& title, QWidget* view);
    void showView(QWidget* view);

    /// Writes the visible view as PNG or SVG (by extension). Returns "" or an error.
    QString exportView(const QString& path);
    /// Writes the table as CSV. Returns "" or an error.
    QString exportTable(const QString& path);
    /// The CSV text of the table.
    QString tableCsv() const;

    QualityChart* qualityChart() const { return m_quality; }
    /// The chart's tab: the chart and its legend line.
    QWidget* qualityPage() const { return m_qualityPage; }
    QLabel* legendLabel() const { return m_legend; }
    QPushButton* clearButton() const { return m_clear; }
    /// The Show menu's toggles (data: the group id, QualityChart::setHiddenGroups()).
    const QList<QAction*>& showActions() const { return m_showActions; }
    SensitivityChart* sensitivityChart() const { return m_sensitivity; }
    QTableView* table() const { return m_table; }
    QPushButton* sweepButton() const { return m_sweep; }
    QPushButton* sensitivityButton() const { return m_sensitivityButton; }
    QComboBox* metricBox() const { return m_metric; }
    QComboBox* gridBox() const { return m_grid; }
    Metric metric() const;
    /// The schemes the chosen sweep grid would measure now.
    std::vector<QuantScheme> sweepGrid() const;

Q_SIGNALS:
    /// A table row was activated: apply its configuration to the sliders.
    void configActivated(const pareto::ui::StudioConfig& config);
    /// An export finished: "" or an error, and the file.
    void exported(const QString& path, const QString& error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// Coalesces the controller's signals of one event-loop pass into one refresh().
    void scheduleRefresh();
    void refresh();
    void refreshLegend();
    void exportViewDialog();
    void exportTableDialog();

    StudioController* m_controller = nullptr;
    QComboBox* m_metric;
    QComboBox* m_grid;
    QPushButton* m_sweep;
    QPushButton* m_sensitivityButton;
    QTabWidget* m_tabs;
    QualityChart* m_quality;
    QWidget* m_qualityPage = nullptr;
    QScrollArea* m_sensitivityPage = nullptr;
    QLabel* m_legend;
    QPushButton* m_clear;
    QList<QAction*> m_showActions;
    SensitivityChart* m_sensitivity;
    QTableView* m_table;
    ConfigTableModel* m_model = nullptr;
    bool m_refreshPending = false;
    QString m_shown;  ///< what the chart shows, to skip redrawing the same thing while sliders move
};

}  // namespace pareto::ui
