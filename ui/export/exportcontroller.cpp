// SPDX-License-Identifier: Apache-2.0
#include "export/exportcontroller.h"

#include "export/exportdialog.h"
#include "latent/latentmodelprovider.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "export/deploymentcheck.h"
#include "export/deviceprofile.h"
#include "export/onnxpackage.h"
#include "export/packageexporter.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace pareto::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

LiveFinding findingLine(const std::string& line) {
    // groupedFindings() writes "error: ...", "warning: ...", "info: ...".
    const QString l = qs(line);
    for (const auto& [prefix, sev] : {std::pair{QStringLiteral("error: "), Severity::Error}, std::pair{QStringLiteral("warning: "), Severity::Warning},
                                      std::pair{QStringLiteral("info: "), Severity::Info}})
        if (l.startsWith(prefix)) return {sev, QStringLiteral("TensorRT: ") + l.mid(prefix.size())};
    return {Severity::Warning, QStringLiteral("TensorRT: ") + l};
}

}  // namespace

ExportController::ExportController(StudioController* controller, QObject* parent)
    : QObject(parent), m_controller(controller), m_job(new ExportJob(this)) {
    const QSettings s;
    m_options.target = s.value(QStringLiteral("export/target"), m_options.target).toString();
    if (!findDeviceProfile(m_options.target.toStdString())) m_options.target = QStringLiteral("orin-nano-8gb");
    m_options.fitBatch = std::max<qint64>(1, s.value(QStringLiteral("export/fitBatch"), 1).toLongLong());
    m_options.tar = s.value(QStringLiteral("export/tar"), false).toBool();
    m_options.fp16Model = s.value(QStringLiteral("export/fp16Model"), false).toBool();
    connect(controller, &StudioController::configChanged, this, &ExportController::recheck);
    connect(controller, &StudioController::sessionChanged, this, &ExportController::recheck);
    connect(m_job, &ExportJob::finished, this, [this](const std::shared_ptr<const ExportReport>& r) {
        Q_EMIT finding(r->verification.passed ? Severity::Info : Severity::Error, tr("Export"),
                       tr("%1: package written and verified from disk (%2), %3 files, %4 bytes")
                           .arg(qs(r->destination), QString::fromLatin1(r->verification.verdict()))
                           .arg(r->files.size())
                           .arg(r->packageBytes));
    });
    connect(m_job, &ExportJob::failed, this, [this](const QString& m) {
        Q_EMIT finding(Severity::Error, tr("Export"), tr("export failed, nothing written at the destination: %1").arg(m));
    });
    connect(m_job, &ExportJob::cancelled, this,
            [this] { Q_EMIT finding(Severity::Info, tr("Export"), tr("export cancelled; nothing written at the destination")); });
}

ExportController::~ExportController() { m_job->cancel(); }

void ExportController::setOptions(const ExportOptions& o) {
    const bool recheckNeeded = o.target != m_options.target || o.fitBatch != m_options.fitBatch || o.fp16Model != m_options.fp16Model;
    m_options = o;
    QSettings s;
    s.setValue(QStringLiteral("export/target"), o.target);
    s.setValue(QStringLiteral("export/fitBatch"), o.fitBatch);
    s.setValue(QStringLiteral("export/tar"), o.tar);
    s.setValue(QStringLiteral("export/fp16Model"), o.fp16Model);
    if (recheckNeeded) recheck();
}

DeploymentSummary ExportController::check(const ExportOptions& o) const {
    DeploymentSummary d;
    d.target = o.target;
    const SessionPtr s = m_controller->session();
    const DeviceProfile* profile = findDeviceProfile(o.target.toStdString());
    if (!profile) {
        d.why = tr("unknown target %1").arg(o.target);
        return d;
    }
    d.targetName = qs(profile->name);
    // The model at the chosen latent size: the check reads its tensor list, nothing heavy.
    const std::shared_ptr<const Model> model = m_controller->baseModel();
    if (!s || !model) {
        d.why = s ? tr("the model at the chosen latent size is still being made") : tr("no model open");
        return d;
    }
    QuantPlan plan;
    plan.defaultScheme = m_controller->currentConfig().scheme;
    const DeploymentCheck c = checkDeployment(*model, plan, *profile, o.fp16Model ? ModelPrecision::Fp16 : ModelPrecision::Fp32, o.fitBatch);
    d.available = true;
    d.plannedBytes = c.bytes;
    d.fits = c.fit.fits;
    d.tight = c.fit.fits && !c.fit.warnings.empty();
    d.maxBatch = c.fit.maxBatch;
    d.fitSummary = qs(c.fit.summary);
    d.tensorRtSummary = qs(c.tensorRt.summary);
    d.tensorRtErrors = c.tensorRt.errors;
    d.tensorRtWarnings = c.tensorRt.warnings;
    d.findings.push_back({c.fit.fits ? (d.tight ? Severity::Warning : Severity::Info) : Severity::Error, qs(c.fit.summary)});
    for (const auto& w : c.fit.warnings) d.findings.push_back({c.fit.fits ? Severity::Warning : Severity::Error, qs(w)});
    for (const auto& line : groupedFindings(c.tensorRt)) d.findings.push_back(findingLine(line));
    if (c.tensorRt.findings.empty() || groupedFindings(c.tensorRt).empty())
        d.findings.push_back({Severity::Info, QStringLiteral("TensorRT: ") + qs(c.tensorRt.summary)});
    // Tensors the ONNX files store otherwise than the packed weights (FP16 + Cast), named.
    for (const auto& line : groupedOnnxFindings(c.onnx)) d.findings.push_back({Severity::Warning, qs(line)});
    for (const auto& f : c.files) d.files << qs(f);
    if (c.onnx.available)
        d.onnxSummary = tr("%1 for %2: opset %3, TensorRT engine weights %4 bytes")
                            .arg(qs(c.onnx.fileNames().front()) + (c.onnx.parts.size() > 1 ? tr(" (+ encoder and decoder)") : QString()),
                                 qs(c.onnx.target.name))
                            .arg(c.onnx.opset)
                            .arg(c.onnx.engineWeightBytes);
    else
        d.onnxSummary = tr("no ONNX: %1").arg(qs(c.onnx.reason));
    return d;
}

void ExportController::recheck() {
    const DeploymentSummary d = check();
    const QString source = d.targetName.isEmpty() ? d.target : d.targetName;  // "Jetson Orin Nano 8 GB"
    if (source != m_liveSource && !m_liveSource.isEmpty()) Q_EMIT liveFindings(m_liveSource, {});
    m_liveSource = source;
    QVector<LiveFinding> lines;
    if (d.available) {
        const QString config = m_controller->currentConfig().label();
        for (const LiveFinding& f : d.findings) lines.push_back({f.severity, config + QStringLiteral(": ") + f.message});
    }
    Q_EMIT liveFindings(source, lines);
}

QString ExportController::whyNotExportable() const {
    const SessionPtr s = m_controller->session();
    if (!s) return tr("no model is open");
    if (m_controller->latentPending() || !m_controller->baseModel()) return tr("the model at the chosen latent size is still being made");
    const EvaluatedConfig* m = m_controller->currentMetrics();
    if (!m || !m->complete)
        return tr("the held-out metrics of %1 are still being measured: the package must reproduce the figures the studio shows")
            .arg(m_controller->currentConfig().label());
    if (m_job->isRunning()) return tr("an export is running");
    return {};
}

ExportJobRequest ExportController::request(const QString& destination, const ExportOptions& o) const {
    ExportJobRequest r;
    if (!whyNotExportable().isEmpty() && !m_job->isRunning()) return r;
    const SessionPtr s = m_controller->session();
    const StudioConfig config = m_controller->currentConfig();
    LatentModelProvider* provider = m_controller->latentProvider();
    r.session = s;
    r.model = m_controller->baseModel();
    r.scheme = config.scheme;
    r.configLabel = config.label();
    r.sourceCheckpoint = provider->sourceCheckpoint(s, config.latent);
    r.provenance = provider->provenance(s, config.latent);
    // The user compared against the model they opened: the manifest records it and the paired delta.
    if (config.latent.method != LatentMethod::Original && s->model != r.model) {
        r.reference = s->model;
        r.referenceDescription = tr("the opened model %1, L = %2").arg(QFileInfo(s->info.modelPath).fileName()).arg(s->info.latentDim);
    }
    r.target = o.target;
    r.fitBatch = o.fitBatch;
    r.destination = destination;
    r.force = o.force;
    r.tar = o.tar;
    r.fp16Model = o.fp16Model;
    if (const EvaluatedConfig* m = m_controller->currentMetrics(); m && m->complete) r.shown = ShownMetrics{m->mse, m->psnr, m->ssim};
    return r;
}

QString ExportController::suggestedName() const {
    const SessionPtr s = m_controller->session();
    QString base = s ? QFileInfo(s->info.modelPath).completeBaseName() : QStringLiteral("model");
    QString key = m_controller->currentConfig().key();
    key.replace(QLatin1Char('|'), QLatin1Char('-'));
    return base + QLatin1Char('-') + key;
}

ExportDialog* ExportController::dialog() const { return m_dialog.data(); }

ExportDialog* ExportController::openDialog(QWidget* parent) {
    if (!m_dialog) m_dialog = new ExportDialog(this, parent);
    m_dialog->refresh();
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

}  // namespace pareto::ui
