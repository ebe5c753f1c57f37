// SPDX-License-Identifier: Apache-2.0
#include "model/modelpanel.h"

#include "common/uiformat.h"
#include "session/studiocontroller.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace pareto::ui {
namespace {

QString row(const QString& name, const QString& value) {
    return QStringLiteral("<tr><td style='color:#555;padding-right:10px'>%1</td><td>%2</td></tr>").arg(name, value);
}

}  // namespace

ModelPanel::ModelPanel(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(tr("No model"), this)),
      m_status(new QLabel(this)),
      m_body(new QLabel(this)),
      m_verdict(new QLabel(this)),
      m_open(new QToolButton(this)),
      m_recent(new QMenu(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* head = new QHBoxLayout;
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(f);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_open->setText(tr("Open…"));
    m_open->setPopupMode(QToolButton::MenuButtonPopup);
    m_open->setMenu(m_recent);
    m_open->setToolTip(tr("Open a checkpoint (.pt, .pth, .safetensors, TorchScript) or an ONNX model (.onnx; an encoder/decoder pair through either file); the arrow lists recent files. You can also drop a file on the window."));
    m_open->setObjectName(QStringLiteral("openModelButton"));
    head->addWidget(m_title, 1);
    head->addWidget(m_open);
    layout->addLayout(head);
    for (QLabel* l : {m_status, m_body, m_verdict}) {
        l->setWordWrap(true);
        l->setTextFormat(Qt::RichText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(l);
    }
    m_status->setVisible(false);
    m_body->setText(tr("Open a checkpoint, or drop one on the window."));
    layout->addStretch(1);
    connect(m_open, &QToolButton::clicked, this, &ModelPanel::openDialogRequested);
    setRecentFiles({});
}

void ModelPanel::setController(StudioController* c) {
    m_controller = c;
    connect(c, &StudioController::loadStarted, this, [this](const QString& what) {
        m_statusIsError = false;
        m_status->setText(QStringLiteral("<span style='color:#555'>%1…</span>").arg(what.toHtmlEscaped()));
        m_status->setVisible(true);
    });
    // A load error stays in view until the next load; a finished load clears the progress line.
    connect(c, &StudioController::loadEnded, this, [this] { m_status->setVisible(m_statusIsError); });
    connect(c, &StudioController::finding, this, [this](Severity s, const QString& source, const QString& message) {
        if (s != Severity::Error || source != tr("Open")) return;
        // The full message is in the Warnings panel; here a short line says the old model stays.
        m_statusIsError = true;
        const QString keep = m_controller && m_controller->session() ? tr(" The model below stays open.") : QString();
        m_status->setText(QStringLiteral("<span style='color:#b00020'>%1</span>%2")
                              .arg(tr("Could not open it: see Warnings.").toHtmlEscaped(), keep.toHtmlEscaped()));
        m_status->setVisible(true);
    });
    connect(c, &StudioController::sessionChanged, this, [this] {
        if (m_controller->session()) showSession(m_controller->session()->info);
    });
}

void ModelPanel::setRecentFiles(const QStringList& files) {
    m_recent->clear();
    for (const QString& f : files) {
        QAction* a = m_recent->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        a->setData(f);
        connect(a, &QAction::triggered, this, [this, f] { Q_EMIT openRequested(f); });
    }
    if (files.isEmpty()) m_recent->addAction(tr("No recent files"))->setEnabled(false);
}

void ModelPanel::showSession(const SessionInfo& s) {
    m_title->setText(QFileInfo(s.modelPath).fileName());
    m_title->setToolTip(s.modelPath);
    const QLocale en(QLocale::English);
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    html += row(tr("Model"), QStringLiteral("%1 (%2 file%3)").arg(s.description.toHtmlEscaped(), s.format,
                s.nestedKey.isEmpty() ? QString() : tr(", nested under '%1'").arg(s.nestedKey.toHtmlEscaped())));
    html += row(tr("Interface"), s.interface == QLatin1String("vae") ? tr("VAE: encode(x) → μ, decode(z)") : tr("autoencoder: forward(x) only"));
    html += row(tr("Input"), tr("%1, values in %2; output in %3").arg(s.inputShape, s.inputRange, s.outputRange));
    html += row(tr("Latent"), s.latentKind == QLatin1String("none") ? tr("none reachable") : tr("%1, dimension %2").arg(s.latentKind).arg(s.latentDim));
    html += row(tr("Parameters"), s.bufferValues > 0 ? tr("%1 + %2 buffer values").arg(en.toString(s.params), en.toString(s.bufferValues))
                                                     : en.toString(s.params));
    html += row(tr("FP32 size"), formatBytes(s.fp32Bytes));
    html += QStringLiteral("</table>");
    for (const QString& note : s.modelNotes) html += QStringLiteral("<span style='color:#555'>· %1</span><br>").arg(note.toHtmlEscaped());
    html += QStringLiteral("<p style='margin-top:6px'><b>%1</b> <span style='color:#555'>(n = %2 held-out images, mean [95 % CI])</span></p>")
                .arg(tr("FP32 reconstructions"))
                .arg(s.n);
    html += QStringLiteral("<table cellspacing='0' cellpadding='1'><tr><td></td><td style='padding-right:10px'><i>%1</i></td><td><i>%2</i></td></tr>")
                .arg(tr("model"), tr("mean image"));
    const auto line = [](const QString& name, const Estimate& m, const Estimate& b, int digits) {
        return QStringLiteral("<tr><td style='color:#555;padding-right:10px'>%1</td><td style='padding-right:10px'>%2</td><td>%3</td></tr>")
            .arg(name, formatEstimate(m, digits), formatEstimate(b, digits));
    };
    html += line(tr("MSE"), s.mse, s.meanImageMse, 4);
    html += line(tr("PSNR dB"), s.psnr, s.meanImagePsnr, 4);
    html += line(tr("SSIM"), s.ssim, s.meanImageSsim, 3);
    html += QStringLiteral("</table>");
    m_body->setText(html);
    if (s.untrainedWarning) {
        m_verdict->setText(QStringLiteral("<div style='background:#fde7e9;color:#8a0010;padding:4px'><b>%1</b> %2</div>")
                               .arg(tr("Untrained-looking model."), s.untrainedReason.toHtmlEscaped()));
    } else {
        m_verdict->setText(QStringLiteral("<span style='color:#1b5e20'>✓ %1</span>").arg(s.untrainedReason.toHtmlEscaped()));
    }
}

QString ModelPanel::text() const {
    const QString status = m_status->isHidden() ? QString() : m_status->text() + QLatin1Char('\n');
    return m_title->text() + QLatin1Char('\n') + status + m_body->text() + QLatin1Char('\n') + m_verdict->text();
}

}  // namespace pareto::ui
