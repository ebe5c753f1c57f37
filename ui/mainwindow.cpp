// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "charts/chartspanel.h"
#include "charts/latentgridpanel.h"
#include "controls/controlspanel.h"
#include "data/datapanel.h"
#include "export/exportcontroller.h"
#include "help/firstrunhint.h"
#include "help/helpmenu.h"
#include "layout/windowlayout.h"
#include "model/openerrorview.h"
#include "session/autosweep.h"
#include "jobs/jobprogresswidget.h"
#include "latent/corelatentprovider.h"
#include "metrics/metricspanel.h"
#include "model/modelpanel.h"
#include "jobs/abandonedjobs.h"
#include "model/recentfiles.h"
#include "model/trustbanner.h"
#include "reconstruction/reconstructionpanel.h"
#include "report/reportwriter.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include "common/resourcepaths.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace pareto::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new StudioController(this)),
      m_latent(new CoreLatentProvider),
      m_recent(new RecentFiles(this)),
      m_model(new ModelPanel),
      m_data(new DataPanel),
      m_controls(new ControlsPanel),
      m_metrics(new MetricsPanel),
      m_reconstructions(new ReconstructionPanel),
      m_charts(new ChartsPanel),
      m_warnings(new WarningsPanel),
      m_jobs(new JobProgressWidget),
      m_latentGrid(new LatentGridPanel),
      m_export(new ExportController(m_controller, this)),
      m_trust(new TrustBanner),
      m_autoSweep(new AutoSweep(m_controller, [this] { return m_charts->sweepGrid(); }, this)),
      m_errorView(new OpenErrorView),
      m_hint(new FirstRunHint),
      m_layout(new WindowLayout(this)) {
    setWindowTitle(tr("Pareto Studio"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);

    // Reconstructions above the charts: both get the full width of the window's centre.
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_reconstructions);
    split->addWidget(m_charts);
    // The images get the larger share: they are what a configuration looks like.
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({3000, 2000});
    split->setChildrenCollapsible(false);
    // The trust question and the first-run hint sit above the work area; a model that failed
    // to open takes the work area's place with the whole message.
    m_stack = new QStackedWidget(this);
    // Below the images' and the chart's minimum sizes (a short screen) the work area scrolls
    // rather than squeezing one over the other.
    auto* work = new QScrollArea(this);
    work->setObjectName(QStringLiteral("workArea"));
    work->setWidgetResizable(true);
    work->setFrameShape(QFrame::NoFrame);
    work->setWidget(split);
    m_work = work;
    m_stack->addWidget(work);
    m_stack->addWidget(m_errorView);
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addWidget(m_trust);
    centreLayout->addWidget(m_hint);
    centreLayout->addWidget(m_stack, 1);
    setCentralWidget(centre);

    QDockWidget* model = addPanel(m_model, tr("Model"), Qt::LeftDockWidgetArea, QStringLiteral("modelDock"));
    QDockWidget* data = addPanel(m_data, tr("Data"), Qt::LeftDockWidgetArea, QStringLiteral("dataDock"));
    QDockWidget* controls = addPanel(m_controls, tr("Controls"), Qt::LeftDockWidgetArea, QStringLiteral("controlsDock"));
    QDockWidget* metrics = addPanel(m_metrics, tr("Current configuration"), Qt::LeftDockWidgetArea, QStringLiteral("metricsDock"));
    m_warningsDock = addPanel(m_warnings, tr("Warnings"), Qt::BottomDockWidgetArea, QStringLiteral("warningsDock"));
    // The data settings are set once per session: a tab behind the model keeps the column short.
    tabifyDockWidget(model, data);
    model->raise();
    resizeDocks({model, controls, metrics}, {250, 540, 230}, Qt::Vertical);
    resizeDocks({m_warningsDock}, {110}, Qt::Vertical);
    // A short screen: the Warnings go behind the Model tab rather than under the images and
    // the chart, which need the height.
    if (const QScreen* s = screen(); s && s->availableGeometry().height() < 900) {
        tabifyDockWidget(model, m_warningsDock);
        model->raise();
    }
    statusBar()->addPermanentWidget(m_jobs);

    m_controller->setLatentProvider(m_latent);
    m_latentGrid->setup(m_controller, m_latent, [this] { return m_charts->sweepGrid(); });
    m_model->setController(m_controller);
    m_data->setController(m_controller);
    m_controls->setController(m_controller);
    m_metrics->setController(m_controller);
    m_reconstructions->setController(m_controller);
    m_charts->setController(m_controller);
    m_charts->addView(tr("Latent × bits"), m_latentGrid);
    buildMenus();
    wireJobs();

    connect(m_model, &ModelPanel::openDialogRequested, this, &MainWindow::openDialog);
    connect(m_model, &ModelPanel::openRequested, this, &MainWindow::openPath);
    connect(m_recent, &RecentFiles::changed, m_model, &ModelPanel::setRecentFiles);
    m_model->setRecentFiles(m_recent->files());
    connect(m_controller, &StudioController::finding, m_warnings, &WarningsPanel::add);
    connect(m_controller, &StudioController::trustRequested, m_trust, &TrustBanner::ask);
    connect(m_controller, &StudioController::loadStarted, m_trust, &QWidget::hide);
    connect(m_trust, &TrustBanner::trustRequested, m_controller, &StudioController::trustPendingAndOpen);
    connect(m_trust, &TrustBanner::declined, m_controller, &StudioController::declinePending);
    connect(&AbandonedJobs::instance(), &AbandonedJobs::abandoned, m_warnings, [this](const QString& what) {
        m_warnings->add(Severity::Error, tr("Jobs"),
                        tr("%1 did not stop when cancelled (a model call that does not return); it was abandoned and "
                           "keeps a CPU core busy until Pareto Studio quits").arg(what));
    });
    connect(m_warnings, &WarningsPanel::countChanged, this, [this](int n, int errors) {
        const QString e = errors == 0 ? QString() : errors == 1 ? tr(", 1 error") : tr(", %1 errors").arg(errors);
        m_warningsDock->setWindowTitle(n ? tr("Warnings (%1%2)").arg(n).arg(e) : tr("Warnings"));
    });
    connect(m_controller, &StudioController::sessionChanged, this, [this] {
        const QString path = m_controller->session()->info.modelPath;
        // The embedded demo is always one click away: keep the list for the user's own files.
        bool demo = false;
        for (const DemoModel& d : demoModels()) demo = demo || QFileInfo(path) == QFileInfo(QString::fromStdString(d.path));
        if (!demo) m_recent->add(path);
        setWindowTitle(tr("%1 — Pareto Studio").arg(QFileInfo(path).fileName()));
    });
    const auto activate = [this](const StudioConfig& c) { m_controls->setConfig(c); };
    connect(m_charts, &ChartsPanel::configActivated, this, activate);
    connect(m_latentGrid, &LatentGridPanel::configActivated, this, activate);
    const auto wrote = [this](const QString& path, const QString& error) {
        if (error.isEmpty()) statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
        else m_warnings->add(Severity::Error, tr("Export"), error);
    };
    connect(m_charts, &ChartsPanel::exported, this, wrote);
    connect(m_latentGrid, &LatentGridPanel::exported, this, wrote);
    connect(m_export, &ExportController::liveFindings, m_warnings, &WarningsPanel::setLive);
    connect(m_export, &ExportController::finding, m_warnings, &WarningsPanel::add);
    connect(m_controller, &StudioController::settled, this, &MainWindow::studioSettled);
    connect(m_controller, &StudioController::metricsChanged, this, [this] {
        const EvaluatedConfig* c = m_controller->currentMetrics();
        m_reportAction->setEnabled(c && c->complete);
    });

    connect(m_controller, &StudioController::loadFailed, this, [this](const QString& path, const QString& message) {
        m_errorView->showError(path, message, m_controller->session() != nullptr);
        m_stack->setCurrentWidget(m_errorView);
    });
    connect(m_controller, &StudioController::sessionChanged, this, [this] { m_stack->setCurrentWidget(m_work); });
    connect(m_errorView, &OpenErrorView::openRequested, this, &MainWindow::openDialog);
    connect(m_errorView, &OpenErrorView::demoRequested, this, &MainWindow::openDemo);
    connect(m_errorView, &OpenErrorView::backRequested, this, [this] { m_stack->setCurrentWidget(m_work); });
    m_hint->showIfFirstRun();
    m_layout->captureDefaultsAndRestore();
}

bool MainWindow::showsOpenError() const { return m_stack->currentWidget() == m_errorView; }

void MainWindow::openDemo() {
    m_controller->openModel(QString::fromStdString(demoModelPath()), QString::fromStdString(demoDataSpec()));
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addPanel(QWidget* panel, const QString& title, Qt::DockWidgetArea area, const QString& name) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    if (area == Qt::LeftDockWidgetArea) {
        // Long panels scroll rather than squeeze their neighbours.
        auto* scroll = new QScrollArea(dock);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(panel);
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        scroll->setMinimumWidth(400);
        dock->setWidget(scroll);
    } else {
        dock->setWidget(panel);
    }
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open checkpoint…"), QKeySequence::Open, this, &MainWindow::openDialog);
    QMenu* demos = file->addMenu(tr("Open &demo model"));
    demos->setObjectName(QStringLiteral("demoModelsMenu"));
    for (const DemoModel& d : demoModels()) {
        demos->addAction(QString::fromStdString(d.title), this, [this, d] {
            m_controller->openModel(QString::fromStdString(d.path), QString::fromStdString(d.dataSpec), QString(), d.limit);
        });
    }
    file->addSeparator();
    m_reportAction = file->addAction(tr("Write &report (PNG + PDF)…"), this, &MainWindow::reportDialog);
    m_reportAction->setShortcut(tr("Ctrl+R"));
    m_reportAction->setEnabled(false);
    m_reportAction->setToolTip(tr("Available once the current configuration's held-out metrics are complete"));
    file->addAction(tr("Export &chart…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export chart"), QStringLiteral("chart.png"), tr("PNG (*.png);;SVG (*.svg)"));
        if (!p.isEmpty()) m_charts->exportView(p);
    });
    file->addAction(tr("Export &table (CSV)…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export table"), QStringLiteral("configurations.csv"), tr("CSV (*.csv)"));
        if (!p.isEmpty()) m_charts->exportTable(p);
    });
    QAction* jetson = file->addAction(tr("Export for &Jetson…"), this, [this] { m_export->openDialog(this); });
    jetson->setShortcut(tr("Ctrl+E"));
    jetson->setObjectName(QStringLiteral("exportJetsonAction"));
    jetson->setToolTip(tr("A validated deployment package of the configuration on the sliders"));
    file->addSeparator();
    file->addAction(tr("Add &trained models folder…"), this, &MainWindow::addTrainedFolderDialog);
    file->addAction(tr("Forget added trained-model folders"), m_latent, &CoreLatentProvider::clearTrainedFolders);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    file->setToolTipsVisible(true);

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(tr("Run &sweep"), this, [this] { m_controller->runSweep(m_charts->sweepGrid()); });
    analysis->addAction(tr("Measure layer &sensitivity"), this,
                        [this] { m_controller->measureSensitivity(m_controller->currentConfig().scheme); });
    analysis->addSeparator();
    analysis->addAction(tr("&Pin current as A"), QKeySequence(tr("Ctrl+P")), m_controller, &StudioController::pinCurrent);
    analysis->addAction(tr("&Clear A"), m_controller, &StudioController::clearPin);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* d : findChildren<QDockWidget*>()) m_viewMenu->addAction(d->toggleViewAction());
    m_viewMenu->addSeparator();
    QAction* reset = m_viewMenu->addAction(tr("&Reset layout"), m_layout, &WindowLayout::reset);
    reset->setObjectName(QStringLiteral("resetLayoutAction"));

    menuBar()->addMenu(new HelpMenu(this));
}

void MainWindow::wireJobs() {
    m_jobs->track(m_latent);
    m_jobs->track(m_latentGrid);
    StudioController* c = m_controller;
    connect(c, &StudioController::loadStarted, this,
            [this](const QString& what) { m_jobs->begin(QStringLiteral("load"), what, [this] { m_controller->cancelLoad(); }); });
    connect(c, &StudioController::loadProgress, this, [this](double f, const QString& s) { m_jobs->update(QStringLiteral("load"), f, s); });
    connect(c, &StudioController::loadEnded, this, [this] { m_jobs->end(QStringLiteral("load")); });
    connect(c, &StudioController::sweepStarted, this, [this](int planned) {
        m_jobs->begin(QStringLiteral("sweep"), tr("Sweep of %1 configurations").arg(planned), [this] { m_controller->cancelSweep(); });
    });
    connect(c, &StudioController::sweepProgress, this, [this](double f, const QString& s) { m_jobs->update(QStringLiteral("sweep"), f, s); });
    connect(c, &StudioController::sweepEnded, this, [this](int rows, int planned, bool cancelled) {
        m_jobs->end(QStringLiteral("sweep"));
        statusBar()->showMessage(cancelled ? tr("Sweep cancelled: %1 of %2 configurations measured").arg(rows).arg(planned)
                                           : tr("Sweep done: %1 configurations").arg(rows),
                                 8000);
    });
    connect(c, &StudioController::sensitivityStarted, this, [this](const QString& scheme) {
        m_jobs->begin(QStringLiteral("sensitivity"), tr("Layer sensitivity (%1)").arg(scheme), [this] { m_controller->cancelSensitivity(); });
    });
    connect(c, &StudioController::sensitivityProgress, this,
            [this](double f, const QString& s) { m_jobs->update(QStringLiteral("sensitivity"), f, s); });
    connect(c, &StudioController::sensitivityEnded, this, [this] { m_jobs->end(QStringLiteral("sensitivity")); });
}

void MainWindow::openModel(const QString& checkpoint, const QString& dataSpec, qint64 limit) {
    m_controller->openModel(checkpoint, dataSpec, QString(), limit);
}

void MainWindow::openPath(const QString& path) {
    // Keep the data of the open session; before any session, the demo's held-out images.
    if (m_controller->dataSpec().isEmpty()) m_controller->openModel(path, QString::fromStdString(demoDataSpec()));
    else m_controller->openModelKeepingData(path);
}

void MainWindow::openDialog() {
    const QString dir = m_recent->files().isEmpty() ? QString() : QFileInfo(m_recent->files().first()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), dir,
                                                      tr("Models (*.pt *.pth *.ts *.safetensors *.ckpt *.bin *.onnx);;PyTorch state dicts (*.pt *.pth *.ckpt *.bin);;TorchScript (*.ts *.pt);;safetensors (*.safetensors);;ONNX (*.onnx);;All files (*)"));
    if (!path.isEmpty()) openPath(path);
}

void MainWindow::addTrainedFolderDialog() {
    const QStringList known = m_latent->trainedFolders();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of trained checkpoints (e.g. a pareto sweep-latent cache)"),
                                                          known.isEmpty() ? QString() : known.last());
    if (dir.isEmpty()) return;
    m_latent->addTrainedFolder(dir);
    statusBar()->showMessage(tr("Trained models from %1 are offered for every model with the same channels").arg(dir), 8000);
}

QString MainWindow::writeReport(const QString& basePath) {
    const ReportWriter report(*m_controller, m_charts->metric());
    const QString error = report.ready() ? report.write(basePath) : tr("Report not written: %1").arg(report.reason());
    if (error.isEmpty()) statusBar()->showMessage(tr("Wrote %1.png and .pdf").arg(basePath), 8000);
    else m_warnings->add(Severity::Error, tr("Report"), error);
    return error;
}

void MainWindow::reportDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Write report (a .png and a .pdf)"), QStringLiteral("pareto-report"),
                                                      tr("Report (*.png *.pdf)"));
    if (!path.isEmpty()) writeReport(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls() && !e->mimeData()->urls().isEmpty() && e->mimeData()->urls().first().isLocalFile())
        e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    for (const QUrl& url : e->mimeData()->urls()) {
        if (!url.isLocalFile()) continue;
        openPath(url.toLocalFile());
        e->acceptProposedAction();
        return;
    }
}

void MainWindow::closeEvent(QCloseEvent* e) {
    m_layout->save();
    QMainWindow::closeEvent(e);
}

}  // namespace pareto::ui
