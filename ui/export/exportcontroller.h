// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "export/exportjob.h"
#include "warnings/warningspanel.h"

#include <QObject>
#include <QPointer>
#include <QVector>

class QWidget;

namespace pareto::ui {

class ExportDialog;
class StudioController;

/// @brief The cheap deployment check (core checkDeployment: planned bytes, memory fit,
/// TensorRT findings) of the configuration on the sliders for one board. Plain values.
struct DeploymentSummary {
    bool available = false;
    QString why;                    ///< when not available
    QString target;
    QString targetName;
    qint64 plannedBytes = 0;
    bool fits = false;
    bool tight = false;
    qint64 maxBatch = 0;
    QString fitSummary;
    QString tensorRtSummary;
    int tensorRtErrors = 0, tensorRtWarnings = 0;
    QVector<LiveFinding> findings;  ///< fit warnings, then TensorRT findings folded over tensors, then ONNX findings
    QStringList files;              ///< every file the package will hold
    QString onnxSummary;            ///< "model.onnx, encoder.onnx, decoder.onnx: opset 13 ..." or why there is no ONNX
};

/// @brief Options of an export a user sets in the dialog (remembered in QSettings `export/`).
struct ExportOptions {
    QString target = QStringLiteral("orin-nano-8gb");
    qint64 fitBatch = 1;
    bool force = false;  ///< never remembered: replacing is confirmed each time
    bool tar = false;
    bool fp16Model = false;
};

/// @brief The Jetson export of the studio: the options (target board first), the live
/// deployment check of whatever the sliders show (liveFindings() on every configuration
/// change, for the Warnings panel; microseconds, so on the UI thread), the export request
/// built from the controller's state (the FP32 model at the chosen latent, the scheme, the
/// held-out figures the studio showed, a provenance naming the latent choice), the ExportJob,
/// and the Export dialog. UI thread only.
class ExportController : public QObject {
    Q_OBJECT
public:
    explicit ExportController(StudioController* controller, QObject* parent = nullptr);
    ~ExportController() override;

    ExportOptions options() const { return m_options; }
    /// Stores the options; re-checks (liveFindings) when the target or its inputs change.
    void setOptions(const ExportOptions& options);

    /// The check of the current configuration with `options` (default: the stored ones).
    DeploymentSummary check(const ExportOptions& options) const;
    DeploymentSummary check() const { return check(m_options); }

    /// "" when the current configuration can be exported now, else why not.
    QString whyNotExportable() const;
    /// The request for `destination` with `options`; empty session when not exportable.
    ExportJobRequest request(const QString& destination, const ExportOptions& options) const;
    /// A folder name for the current configuration, e.g. "tinyvae-fmnist-l16-pca-k8-int4-g64".
    QString suggestedName() const;

    ExportJob* job() const { return m_job; }
    /// Shows the dialog (made on first use) for the current configuration.
    ExportDialog* openDialog(QWidget* parent);
    ExportDialog* dialog() const;
    StudioController* controller() const { return m_controller; }

Q_SIGNALS:
    /// The live group for the Warnings panel (the board's name) and its lines.
    void liveFindings(const QString& source, const QVector<pareto::ui::LiveFinding>& findings);
    /// Export results, failures and cancels for the Warnings panel.
    void finding(pareto::ui::Severity severity, const QString& source, const QString& message);

private:
    void recheck();

    StudioController* m_controller;
    ExportJob* m_job;
    ExportOptions m_options;
    QPointer<ExportDialog> m_dialog;
    QString m_liveSource;
};

}  // namespace pareto::ui
