// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTextBrowser>

namespace pareto {
struct ExportReport;
}

namespace pareto::ui {

/// @brief The validation report of an export as a person reads it: PASS/FAIL of the
/// verification from disk, every file with its size and SHA-256, the stored bytes, the
/// metrics of the FP32 baseline and the compressed model (n, 95 % CIs, paired delta), the
/// golden batch's largest error against its tolerance, the fit on the board and the TensorRT
/// findings. Or the failure / cancel. UI thread only.
class ExportReportView : public QTextBrowser {
    Q_OBJECT
public:
    explicit ExportReportView(QWidget* parent = nullptr);

    /// `originalFp32Bytes`: the opened model's FP32 bytes, for the headline ratio (0: not shown).
    void setReport(const ExportReport& report, const QString& provenance, qint64 originalFp32Bytes = 0);
    void setFailure(const QString& title, const QString& message);
    void clearReport();
    bool passed() const { return m_passed; }

private:
    bool m_passed = false;
};

}  // namespace pareto::ui
