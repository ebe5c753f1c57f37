// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>

class QAction;
class QDockWidget;
class QMenu;
class QStackedWidget;

namespace pareto::ui {

class AutoSweep;
class ChartsPanel;
class ControlsPanel;
class CoreLatentProvider;
class DataPanel;
class ExportController;
class FirstRunHint;
class OpenErrorView;
class WindowLayout;
class JobProgressWidget;
class LatentGridPanel;
class MetricsPanel;
class ModelPanel;
class RecentFiles;
class ReconstructionPanel;
class StudioController;
class TrustBanner;
class WarningsPanel;

/// @brief The studio window. It only assembles the panels around one StudioController and
/// routes menu actions to them; every feature lives in its panel (ui/<feature>/) or in the
/// controller and its jobs. UI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a checkpoint and measures it on `dataSpec` in the background (split "" = the
    /// spec's default, limit < 0 = every image).
    void openModel(const QString& checkpoint, const QString& dataSpec, qint64 limit = -1);
    /// Writes BASE.png and BASE.pdf; returns "" or the error (also shown in Warnings).
    QString writeReport(const QString& basePath);

    StudioController* controller() const { return m_controller; }
    ModelPanel* modelPanel() const { return m_model; }
    DataPanel* dataPanel() const { return m_data; }
    ControlsPanel* controlsPanel() const { return m_controls; }
    MetricsPanel* metricsPanel() const { return m_metrics; }
    ReconstructionPanel* reconstructionPanel() const { return m_reconstructions; }
    ChartsPanel* chartsPanel() const { return m_charts; }
    WarningsPanel* warningsPanel() const { return m_warnings; }
    JobProgressWidget* jobProgress() const { return m_jobs; }
    CoreLatentProvider* latentProvider() const { return m_latent; }
    LatentGridPanel* latentGridPanel() const { return m_latentGrid; }
    ExportController* exportController() const { return m_export; }
    TrustBanner* trustBanner() const { return m_trust; }
    AutoSweep* autoSweep() const { return m_autoSweep; }
    OpenErrorView* openErrorView() const { return m_errorView; }
    FirstRunHint* firstRunHint() const { return m_hint; }
    WindowLayout* windowLayout() const { return m_layout; }
    /// True while the main area shows a failed open instead of the work area.
    bool showsOpenError() const;

Q_SIGNALS:
    /// The open session's preview and metrics for the current configuration are on screen,
    /// or an open failed with nothing else pending.
    void studioSettled();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addPanel(QWidget* panel, const QString& title, Qt::DockWidgetArea area, const QString& name);
    void buildMenus();
    void wireJobs();
    void openDialog();
    void reportDialog();
    void openPath(const QString& path);
    void addTrainedFolderDialog();
    void openDemo();

    StudioController* m_controller;
    CoreLatentProvider* m_latent;
    RecentFiles* m_recent;
    ModelPanel* m_model;
    DataPanel* m_data;
    ControlsPanel* m_controls;
    MetricsPanel* m_metrics;
    ReconstructionPanel* m_reconstructions;
    ChartsPanel* m_charts;
    WarningsPanel* m_warnings;
    JobProgressWidget* m_jobs;
    LatentGridPanel* m_latentGrid;
    ExportController* m_export;
    TrustBanner* m_trust;
    AutoSweep* m_autoSweep;
    OpenErrorView* m_errorView;
    FirstRunHint* m_hint;
    WindowLayout* m_layout;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_work = nullptr;
    QDockWidget* m_warningsDock = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_reportAction = nullptr;
};

}  // namespace pareto::ui
