// SPDX-License-Identifier: Apache-2.0
#include "model/trustbanner.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace pareto::ui {

TrustBanner::TrustBanner(QWidget* parent)
    : QFrame(parent), m_text(new QLabel), m_trust(new QPushButton(tr("Trust and open"))), m_cancel(new QPushButton(tr("Cancel"))) {
    setObjectName(QStringLiteral("trustBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xce));
    p.setColor(QPalette::WindowText, QColor(0x3a, 0x2e, 0x00));
    setPalette(p);

    auto* icon = new QLabel;
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_trust->setObjectName(QStringLiteral("trustAndOpen"));
    m_cancel->setObjectName(QStringLiteral("trustCancel"));

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_trust, 0, Qt::AlignVCenter);
    layout->addWidget(m_cancel, 0, Qt::AlignVCenter);
    connect(m_trust, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT trustRequested();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT declined();
    });
    hide();
}

void TrustBanner::ask(const QString& path, const QString& detail) {
    m_path = path;
    m_text->setText(tr("<b>%1 contains a program.</b> It is a TorchScript file: opening it runs the code inside it on "
                       "this computer, with your permissions. Open it only if you trust where it came from. "
                       "Nothing from it has run yet.<br><small>%2</small>")
                        .arg(QFileInfo(path).fileName().toHtmlEscaped(), detail.toHtmlEscaped()));
    m_text->setToolTip(path);
    show();
    m_trust->setFocus();
}

}  // namespace pareto::ui
