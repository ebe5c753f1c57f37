// SPDX-License-Identifier: Apache-2.0
#include "export/exportdialog.h"

#include "common/uiformat.h"
#include "export/exportreportview.h"
#include "latent/latentmodelprovider.h"
#include "session/ratiotext.h"
#include "session/studiocontroller.h"

#include "export/deviceprofile.h"
#include "export/exportreport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTextDocument>
#include <QVBoxLayout>

namespace pareto::ui {
namespace {

QString colorFor(Severity s) {
    return s == Severity::Error ? QStringLiteral("#b00020") : s == Severity::Warning ? QStringLiteral("#8a6d00") : QStringLiteral("#1b5e20");
}

}  // namespace

ExportDialog::ExportDialog(ExportController* controller, QWidget* parent)
    : QDialog(parent),
      m_controller(controller),
      m_config(new QLabel(this)),
      m_target(new QComboBox(this)),
      m_destination(new QLineEdit(this)),
      m_force(new QCheckBox(tr("Replace an existing package (asks first; swapped in only after the new one is validated)"), this)),
      m_tar(new QCheckBox(tr("Also write DESTINATION.tar.gz"), this)),
      m_fp16(new QCheckBox(tr("FP16 model.pt (its own metrics are measured and recorded)"), this)),
      m_fitBatch(new QSpinBox(this)),
      m_check(new QLabel(this)),
      m_status(new QLabel(this)),
      m_progress(new QProgressBar(this)),
      m_export(new QPushButton(tr("Export"), this)),
      m_cancel(new QPushButton(tr("Cancel export"), this)),
      m_close(new QPushButton(tr("Close"), this)),
      m_report(new ExportReportView(this)) {
    setWindowTitle(tr("Export for Jetson"));
    setObjectName(QStringLiteral("exportDialog"));
    resize(860, 760);
    auto* layout = new QVBoxLayout(this);
    m_config->setWordWrap(true);
    m_config->setTextFormat(Qt::RichText);
    m_config->setObjectName(QStringLiteral("exportConfig"));
    layout->addWidget(m_config);

    auto* form = new QFormLayout;
    for (const auto& p : deviceProfiles())
        m_target->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(p.name), QString::fromStdString(p.id)), QString::fromStdString(p.id));
    m_target->setObjectName(QStringLiteral("exportTarget"));
    auto* dest = new QHBoxLayout;
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    dest->addWidget(m_destination, 1);
    dest->addWidget(browseButton);
    m_destination->setObjectName(QStringLiteral("exportDestination"));
    m_destination->setToolTip(tr("The package folder to create; its parent must exist"));
    m_fitBatch->setRange(1, 4096);
    m_fitBatch->setToolTip(tr("Batch size the memory fit estimate assumes"));
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("Destination"), dest);
    form->addRow(tr("Fit at batch"), m_fitBatch);
    form->addRow(QString(), m_force);
    form->addRow(QString(), m_tar);
    form->addRow(QString(), m_fp16);
    layout->addLayout(form);

    m_check->setWordWrap(true);
    m_check->setTextFormat(Qt::RichText);
    m_check->setObjectName(QStringLiteral("exportCheck"));
    m_check->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_check);

    auto* run = new QHBoxLayout;
    m_progress->setRange(0, 1000);
    m_status->setWordWrap(true);
    run->addWidget(m_progress, 1);
    run->addWidget(m_export);
    run->addWidget(m_cancel);
    run->addWidget(m_close);
    layout->addLayout(run);
    layout->addWidget(m_status);
    layout->addWidget(m_report, 1);
    m_export->setDefault(true);
    m_export->setObjectName(QStringLiteral("exportStartButton"));
    m_cancel->setObjectName(QStringLiteral("exportCancelButton"));

    const ExportOptions o = controller->options();
    m_target->setCurrentIndex(std::max(0, m_target->findData(o.target)));
    m_fitBatch->setValue(static_cast<int>(o.fitBatch));
    m_tar->setChecked(o.tar);
    m_fp16->setChecked(o.fp16Model);
    setRunning(false);
    m_report->setHtml(tr("<p style='color:#555'>The validation report appears here after the export.</p>"));

    connect(m_target, &QComboBox::currentIndexChanged, this, &ExportDialog::optionsChanged);
    connect(m_fitBatch, &QSpinBox::valueChanged, this, &ExportDialog::optionsChanged);
    for (QCheckBox* b : {m_force, m_tar, m_fp16}) connect(b, &QCheckBox::toggled, this, &ExportDialog::optionsChanged);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_controller->job()->cancel();
        m_status->setText(tr("Cancelling…"));
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);

    StudioController* c = controller->controller();
    for (auto sig : {&StudioController::configChanged, &StudioController::metricsChanged, &StudioController::sessionChanged})
        connect(c, sig, this, [this] {
            if (!m_running && isVisible()) refresh();
        });
    ExportJob* job = controller->job();
    connect(job, &ExportJob::progress, this, [this](double f, const QString& stage) {
        m_progress->setValue(static_cast<int>(f * 1000.0));
        m_status->setText(stage);
    });
    connect(job, &ExportJob::finished, this, [this](const std::shared_ptr<const ExportReport>& r) {
        setRunning(false);
        m_progress->setValue(1000);
        m_report->setReport(*r, m_runningProvenance, m_controller->controller()->session() ? m_controller->controller()->session()->info.fp32Bytes : 0);
        m_status->setText(r->verification.passed ? tr("Package written and verified: %1").arg(QString::fromStdString(r->destination))
                                                 : tr("The package did not verify"));
        m_outcomeShown = true;
        Q_EMIT exportEnded(r->verification.passed, QString());
    });
    connect(job, &ExportJob::failed, this, [this](const QString& message) {
        setRunning(false);
        m_report->setFailure(tr("Export failed"), message);
        m_status->setText(tr("Export failed"));
        m_outcomeShown = true;
        Q_EMIT exportEnded(false, message);
    });
    connect(job, &ExportJob::cancelled, this, [this] {
        setRunning(false);
        m_progress->setValue(0);
        m_report->setFailure(tr("Export cancelled"), tr("The export was cancelled."));
        m_status->setText(tr("Export cancelled"));
        m_outcomeShown = true;
        Q_EMIT exportEnded(false, tr("cancelled"));
    });
}

ExportDialog::~ExportDialog() = default;

ExportOptions ExportDialog::options() const {
    ExportOptions o;
    o.target = m_target->currentData().toString();
    o.fitBatch = m_fitBatch->value();
    o.force = m_force->isChecked();
    o.tar = m_tar->isChecked();
    o.fp16Model = m_fp16->isChecked();
    return o;
}

void ExportDialog::optionsChanged() {
    m_controller->setOptions(options());
    refresh();
}

void ExportDialog::browse() {
    const QString parent = QFileInfo(m_destination->text()).absolutePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder to write the package into"), parent);
    if (!dir.isEmpty()) m_destination->setText(QDir(dir).filePath(m_controller->suggestedName()));
}

QString ExportDialog::checkText() const {
    QTextDocument d;
    d.setHtml(m_check->text());
    return d.toPlainText();
}

QString ExportDialog::statusText() const { return m_status->text(); }

void ExportDialog::refresh() {
    StudioController* c = m_controller->controller();
    const StudioConfig config = c->currentConfig();
    const SessionPtr s = c->session();
    QString head = tr("<b>Configuration:</b> %1").arg(config.label().toHtmlEscaped());
    if (s) {
        head += tr("<br><span style='color:#555'>%1</span>")
                    .arg(c->latentProvider()->provenance(s, config.latent).toHtmlEscaped());
        if (const EvaluatedConfig* m = c->currentMetrics(); m && m->complete)
            head += tr("<br>Shown in the studio: %5 stored, %6; MSE %1, PSNR %2 dB, SSIM %3 (n = %4): the package's measurement must equal these.")
                        .arg(formatEstimate(m->mse, 4), formatEstimate(m->psnr, 4), formatEstimate(m->ssim, 3))
                        .arg(m->n)
                        .arg(formatBytes(m->bytes), ratioText(*m).toHtmlEscaped());
    }
    m_config->setText(head);
    // The suggested folder follows the sliders until the user types one of their own.
    if (s && !m_running && (m_destination->text().isEmpty() || m_destination->text() == m_suggested)) {
        const QString folder = m_suggested.isEmpty() ? QSettings().value(QStringLiteral("export/folder"), QDir::homePath()).toString()
                                                     : QFileInfo(m_suggested).absolutePath();
        m_suggested = QDir(folder).filePath(m_controller->suggestedName());
        m_destination->setText(m_suggested);
    }

    const DeploymentSummary d = m_controller->check(options());
    QString t;
    if (!d.available) {
        t = QStringLiteral("<span style='color:#b00020'>%1</span>").arg(d.why.toHtmlEscaped());
    } else {
        t = tr("<b>On %1</b> (checked on every change, nothing quantized): %2 of weights as stored.<br>")
                .arg(d.targetName.toHtmlEscaped(), formatBytes(d.plannedBytes));
        for (const LiveFinding& f : d.findings)
            t += QStringLiteral("<span style='color:%1'>• %2</span><br>").arg(colorFor(f.severity), f.message.toHtmlEscaped());
        t += tr("<b>ONNX:</b> %1<br>").arg(d.onnxSummary.toHtmlEscaped());
        t += tr("<b>Files:</b> %1").arg(d.files.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    m_check->setText(t);
    const QString why = m_controller->whyNotExportable();
    if (!m_running) {
        m_export->setEnabled(why.isEmpty());
        m_export->setToolTip(why);
        if (!why.isEmpty()) m_status->setText(why);
        else if (!m_outcomeShown) m_status->setText(tr("Ready to export."));
    }
}

bool ExportDialog::startExport() {
    if (m_running) return false;
    const QString why = m_controller->whyNotExportable();
    const QString dest = QDir::cleanPath(m_destination->text().trimmed());
    if (!why.isEmpty() || dest.isEmpty()) {
        m_status->setText(why.isEmpty() ? tr("Choose a destination folder") : why);
        return false;
    }
    ExportOptions o = options();
    if (QFileInfo::exists(dest)) {
        if (!o.force) {
            m_status->setText(tr("%1 exists: choose another folder, or tick “Replace an existing package”").arg(dest));
            return false;
        }
        // Replacing is never silent: ask, every time.
        const auto answer = QMessageBox::question(this, tr("Replace the package?"),
                                                  tr("%1 exists. Replace it with the new package?\n\nThe old one is swapped out only "
                                                     "after the new one is written and verified; a crash leaves one of them whole.")
                                                      .arg(dest),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) return false;
    } else {
        o.force = false;
    }
    const ExportJobRequest req = m_controller->request(dest, o);
    if (!req.session) return false;
    QSettings().setValue(QStringLiteral("export/folder"), QFileInfo(dest).absolutePath());
    m_runningProvenance = req.provenance;
    m_report->setHtml(tr("<p style='color:#555'>Exporting %1 to %2…</p>").arg(req.configLabel.toHtmlEscaped(), dest.toHtmlEscaped()));
    m_progress->setValue(0);
    if (!m_controller->job()->start(req)) return false;
    setRunning(true);
    m_outcomeShown = false;
    m_status->setText(tr("measuring…"));
    return true;
}

void ExportDialog::setRunning(bool running) {
    m_running = running;
    m_export->setEnabled(!running && m_controller->whyNotExportable().isEmpty());
    m_cancel->setEnabled(running);
    m_cancel->setVisible(running);
    for (QWidget* w : std::initializer_list<QWidget*>{m_target, m_destination, m_force, m_tar, m_fp16, m_fitBatch}) w->setEnabled(!running);
    m_progress->setVisible(running || m_progress->value() > 0);
}

}  // namespace pareto::ui
