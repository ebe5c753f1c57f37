#include "model/modelsummarypanel.h"

#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>

namespace pareto::ui {
namespace {

QString estimate(const EstimateValue& e, int digits) {
    return QStringLiteral("%1 <small>[%2, %3]</small>")
        .arg(e.mean, 0, 'g', digits)
        .arg(e.lo, 0, 'g', digits)
        .arg(e.hi, 0, 'g', digits);
}

}  // namespace

ModelSummaryPanel::ModelSummaryPanel(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_body(new QLabel(this)) {
    auto* layout = new QVBoxLayout(this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_body->setTextFormat(Qt::RichText);
    m_body->setWordWrap(true);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_title);
    layout->addWidget(m_body, 1);
}

void ModelSummaryPanel::showLoading(const QString& checkpoint) {
    m_title->setText(QFileInfo(checkpoint).fileName());
    m_body->setText(tr("Opening and measuring on held-out data…"));
}

void ModelSummaryPanel::showSummary(const EvaluationSummary& s) {
    m_title->setText(QFileInfo(s.modelPath).fileName());
    QString html;
    html += QStringLiteral("<p><b>%1</b> (%2) · input %3 · latent %4 · %5 parameters · %6 bytes as FP32</p>")
                .arg(s.arch, s.format, s.inputShape)
                .arg(s.latentDim)
                .arg(QLocale().toString(s.params))
                .arg(QLocale().toString(4 * s.params));
    html += QStringLiteral("<p>Data: %1<br>%2</p>").arg(s.dataIdentity.toHtmlEscaped(), s.dataNotes.join(QStringLiteral("; ")).toHtmlEscaped());
    html += QStringLiteral("<table cellspacing='8'><tr><th align='left'>n = %1, 95 % CI</th><th align='left'>model</th>"
                           "<th align='left'>mean-image baseline</th></tr>")
                .arg(s.n);
    html += QStringLiteral("<tr><td>MSE</td><td>%1</td><td>%2</td></tr>").arg(estimate(s.mse, 4), estimate(s.baselineMse, 4));
    html += QStringLiteral("<tr><td>PSNR (dB)</td><td>%1</td><td>%2</td></tr>").arg(estimate(s.psnr, 4), estimate(s.baselinePsnr, 4));
    html += QStringLiteral("<tr><td>SSIM</td><td>%1</td><td>%2</td></tr></table>").arg(estimate(s.ssim, 3), estimate(s.baselineSsim, 3));
    html += QStringLiteral("<p><small>Baseline: %1</small></p>").arg(s.baselineSource.toHtmlEscaped());
    const QString colour = s.untrainedWarning ? QStringLiteral("#b00020") : QStringLiteral("#1b5e20");
    html += QStringLiteral("<p style='color:%1'>%2%3</p>")
                .arg(colour, s.untrainedWarning ? tr("⚠ Untrained-looking model: ") : QString(), s.untrainedReason.toHtmlEscaped());
    m_body->setText(html);
}

void ModelSummaryPanel::showError(const QString& message) {
    m_body->setText(QStringLiteral("<p style='color:#b00020'>%1</p>").arg(message.toHtmlEscaped()));
}

QString ModelSummaryPanel::text() const { return m_title->text() + QLatin1Char('\n') + m_body->text(); }

}  // namespace pareto::ui
