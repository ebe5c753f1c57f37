#include "mainwindow.h"

#include "jobs/evaluationjob.h"
#include "model/modelsummarypanel.h"

#include <QAction>
#include <QFileDialog>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace pareto::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_summary(new ModelSummaryPanel(this)),
      m_job(new EvaluationJob(this)),
      m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)) {
    setWindowTitle(tr("Pareto Studio"));
    setCentralWidget(m_summary);
    resize(900, 520);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open checkpoint…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, m_job, &EvaluationJob::cancel);

    const auto idle = [this] {
        m_progress->setVisible(false);
        m_cancel->setVisible(false);
    };
    connect(m_job, &EvaluationJob::progress, this, [this](double f, const QString& stage) {
        m_progress->setValue(static_cast<int>(f * 1000));
        statusBar()->showMessage(stage);
    });
    connect(m_job, &EvaluationJob::finished, this, [this, idle](const EvaluationSummary& s) {
        idle();
        m_summary->showSummary(s);
        statusBar()->showMessage(tr("Measured %1 images in %2 s").arg(s.n).arg(s.seconds, 0, 'f', 1), 5000);
        Q_EMIT modelSettled();
    });
    connect(m_job, &EvaluationJob::failed, this, [this, idle](const QString& message) {
        idle();
        m_summary->showError(message);
        statusBar()->showMessage(tr("Could not open the model"), 5000);
        Q_EMIT modelSettled();
    });
    connect(m_job, &EvaluationJob::cancelled, this, [this, idle] {
        idle();
        statusBar()->showMessage(tr("Cancelled"), 3000);
        Q_EMIT modelSettled();
    });
}

MainWindow::~MainWindow() = default;

void MainWindow::openModel(const QString& checkpoint, const QString& dataSpec, qint64 limit) {
    m_dataSpec = dataSpec;
    m_summary->showLoading(checkpoint);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    m_job->start(checkpoint, dataSpec, limit);
}

void MainWindow::openDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(),
                                                      tr("Checkpoints (*.pt *.pth *.ckpt *.safetensors);;All files (*)"));
    if (!path.isEmpty()) openModel(path, m_dataSpec);
}

}  // namespace pareto::ui
