// SPDX-License-Identifier: Apache-2.0
#include "export/exportreportview.h"

#include "common/uiformat.h"
#include "session/ratiotext.h"

#include "export/exportreport.h"

#include <cmath>

namespace pareto::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString row(const QStringList& cells, bool header = false) {
    QString out = QStringLiteral("<tr>");
    for (const auto& c : cells) out += (header ? QStringLiteral("<th align='left'>%1</th>") : QStringLiteral("<td>%1</td>")).arg(c);
    return out + QStringLiteral("</tr>");
}

QString sci(double v) { return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'g', 3); }

}  // namespace

ExportReportView::ExportReportView(QWidget* parent) : QTextBrowser(parent) {
    setObjectName(QStringLiteral("exportReport"));
    setOpenLinks(false);
    setMinimumHeight(220);
}

void ExportReportView::clearReport() {
    m_passed = false;
    clear();
}

void ExportReportView::setFailure(const QString& title, const QString& message) {
    m_passed = false;
    setHtml(QStringLiteral("<h3 style='color:#b00020'>%1</h3><p>%2</p><p>%3</p>")
                .arg(title.toHtmlEscaped(), message.toHtmlEscaped(), tr("Nothing was written at the destination; an existing package there is untouched.")));
}

void ExportReportView::setReport(const ExportReport& r, const QString& provenance, qint64 originalFp32Bytes) {
    m_passed = r.verification.passed;
    const QString verdict = r.verification.passed ? QStringLiteral("<span style='color:#1b7f3b'>PASS</span>")
                                                  : QStringLiteral("<span style='color:#b00020'>FAIL</span>");
    QString h = QStringLiteral("<h3>%1 — %2</h3>").arg(verdict, qs(r.destination));
    h += tr("<p>Verified from disk with <code>pareto verify</code>'s code: %1 checks in %2 s (export %3 s)%4.</p>")
             .arg(r.verification.checks.size())
             .arg(r.verifySeconds, 0, 'f', 2)
             .arg(r.seconds, 0, 'f', 2)
             .arg(r.replacedExisting ? tr("; the previous package was replaced") : QString());
    for (const auto& f : r.verification.failures) h += QStringLiteral("<p style='color:#b00020'>%1</p>").arg(qs(f));
    h += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("Provenance:"), provenance.toHtmlEscaped());

    h += QStringLiteral("<h4>%1</h4><table cellspacing='0' cellpadding='2'>").arg(tr("Files"));
    h += row({tr("file"), tr("bytes"), QStringLiteral("SHA-256")}, true);
    for (const auto& f : r.files)
        h += row({qs(f.path), QString::number(f.bytes), QStringLiteral("<code>%1</code>").arg(qs(f.sha256))});
    h += row({tr("<b>in all</b>"), QString::number(r.packageBytes), QString()});
    h += QStringLiteral("</table>");
    if (!r.tarPath.empty()) h += tr("<p>tar.gz: %1 (%2 bytes)</p>").arg(qs(r.tarPath)).arg(r.tarBytes);

    h += QStringLiteral("<h4>%1</h4>").arg(tr("Size"));
    h += tr("<p>Scheme %1: %2 of packed tensors (= the size report: packed values, scales, zero-points, FP32 leftovers), "
            "%3; its own FP32 is %4, %5 bits/param; weights.safetensors is %6 bytes with its header. model.pt: %7 weights.</p>")
             .arg(qs(r.scheme), formatBytes(r.size.bytes))
             .arg(ratioText(r.size.bytes, originalFp32Bytes > 0 ? originalFp32Bytes : r.size.fp32Bytes, r.size.fp32Bytes).toHtmlEscaped())
             .arg(formatBytes(r.size.fp32Bytes))
             .arg(r.size.effectiveBitsPerParam, 0, 'f', 3)
             .arg(r.weightsFile.fileBytes)
             .arg(QString::fromLatin1(modelPrecisionName(r.precision)));

    h += QStringLiteral("<h4>%1</h4>").arg(tr("Metrics (n = %1 images, 95 % bootstrap CIs)").arg(r.n));
    h += QStringLiteral("<p>%1</p><table cellspacing='0' cellpadding='2'>").arg(qs(r.dataIdentity));
    const bool fp16 = r.precision != ModelPrecision::Fp32;
    QStringList head{tr("metric"), tr("FP32 baseline"), tr("compressed")};
    if (fp16) head << tr("model.pt (FP16)");
    h += row(head, true);
    const auto metric = [&](const QString& name, const Estimate& a, const Estimate& b, const Estimate& c, int digits) {
        QStringList cells{name, formatEstimate(a, digits), formatEstimate(b, digits)};
        if (fp16) cells << formatEstimate(c, digits);
        h += row(cells);
    };
    metric(QStringLiteral("MSE"), r.baseline.mse, r.compressed.mse, r.packagedModel.mse, 4);
    metric(QStringLiteral("PSNR (dB)"), r.baseline.psnr, r.compressed.psnr, r.packagedModel.psnr, 4);
    metric(QStringLiteral("SSIM"), r.baseline.ssim, r.compressed.ssim, r.packagedModel.ssim, 3);
    h += QStringLiteral("</table>");
    h += tr("<p>ΔMSE compressed − baseline (paired): %1</p>").arg(formatDelta(r.deltaVsBaseline.mse, 3));
    if (r.reference && r.deltaVsReference)
        h += tr("<p>Against the model it was reduced from (MSE %1): ΔMSE compressed − reference (paired) %2</p>")
                 .arg(formatEstimate(r.reference->mse, 4), formatDelta(r.deltaVsReference->mse, 3));
    if (r.untrainedWarning) h += QStringLiteral("<p style='color:#8a6d00'>%1</p>").arg(qs(r.untrainedReason));
    if (r.verification.metricsChecked)
        h += tr("<p>Re-measured from the files: model.pt and the dequantized weights agree with the in-memory figures to a relative %1.</p>")
                 .arg(sci(r.verification.metricsMaxRelDifference));

    h += QStringLiteral("<h4>%1</h4>").arg(tr("Golden batch"));
    const bool goldenOk = r.goldenMaxAbsError <= r.goldenTolerance;
    h += tr("<p>%1 images: largest error %2 against a tolerance of %3 — %4.</p>")
             .arg(r.goldenImages)
             .arg(sci(r.goldenMaxAbsError), sci(r.goldenTolerance), goldenOk ? tr("within") : tr("<b>outside</b>"));

    h += QStringLiteral("<h4>%1</h4><p>%2</p>").arg(tr("Target"), qs(r.fit.summary));
    for (const auto& w : r.fit.warnings) h += QStringLiteral("<p style='color:#8a6d00'>%1</p>").arg(qs(w));
    h += QStringLiteral("<h4>TensorRT</h4><p>%1</p><ul>").arg(qs(r.tensorRt.summary));
    for (const auto& line : groupedFindings(r.tensorRt)) h += QStringLiteral("<li>%1</li>").arg(qs(line));
    h += QStringLiteral("</ul>");
    if (!r.warnings.empty()) {
        h += QStringLiteral("<h4>%1</h4><ul>").arg(tr("Warnings"));
        for (const auto& w : r.warnings) h += QStringLiteral("<li>%1</li>").arg(qs(w));
        h += QStringLiteral("</ul>");
    }
    setHtml(h);
}

}  // namespace pareto::ui
