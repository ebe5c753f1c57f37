// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "export/exportcontroller.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pareto::ui {

class ExportReportView;

/// @brief File → Export for Jetson…: the configuration on the sliders (latent choice and
/// scheme), the target board, the destination folder and options (replace with explicit
/// confirmation, tar.gz, FP16 model.pt, fit batch); the live fit estimate and TensorRT
/// findings (checkDeployment) as the user changes them; then the export in the background
/// with progress and Cancel, and the validation report. Non-modal: the studio stays usable
/// and the dialog follows the sliders until an export starts. UI thread only.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(ExportController* controller, QWidget* parent = nullptr);
    ~ExportDialog() override;

    /// Re-reads the configuration and re-runs the live check.
    void refresh();
    /// Starts the export to the destination box. False (with the reason shown) when it cannot.
    bool startExport();

    ExportOptions options() const;
    QComboBox* targetBox() const { return m_target; }
    QLineEdit* destinationBox() const { return m_destination; }
    QCheckBox* forceBox() const { return m_force; }
    QCheckBox* tarBox() const { return m_tar; }
    QCheckBox* fp16Box() const { return m_fp16; }
    QPushButton* exportButton() const { return m_export; }
    QPushButton* cancelButton() const { return m_cancel; }
    ExportReportView* report() const { return m_report; }
    /// The live check's text (plain), for tests.
    QString checkText() const;
    QString statusText() const;

Q_SIGNALS:
    /// The export ended: passed, failed (message) or cancelled.
    void exportEnded(bool passed, const QString& message);

private:
    void optionsChanged();
    void browse();
    void setRunning(bool running);

    ExportController* m_controller;
    QLabel* m_config;
    QComboBox* m_target;
    QLineEdit* m_destination;
    QCheckBox* m_force;
    QCheckBox* m_tar;
    QCheckBox* m_fp16;
    QSpinBox* m_fitBatch;
    QLabel* m_check;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_export;
    QPushButton* m_cancel;
    QPushButton* m_close;
    ExportReportView* m_report;
    QString m_runningProvenance;
    QString m_suggested;  ///< the destination last filled in for the user (followed while not edited)
    bool m_running = false;
    bool m_outcomeShown = false;  ///< the status line shows the last export's outcome
};

}  // namespace pareto::ui
