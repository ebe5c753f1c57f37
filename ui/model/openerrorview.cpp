// SPDX-License-Identifier: Apache-2.0
#include "model/openerrorview.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace pareto::ui {

OpenErrorView::OpenErrorView(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_message(new QLabel(this)),
      m_open(new QPushButton(tr("Open…"), this)),
      m_demo(new QPushButton(tr("Open demo"), this)),
      m_back(new QPushButton(tr("Back to the open model"), this)) {
    setObjectName(QStringLiteral("openErrorView"));
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("openErrorMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #b00020; }"));
    m_open->setObjectName(QStringLiteral("openErrorOpenButton"));
    m_demo->setObjectName(QStringLiteral("openErrorDemoButton"));
    m_open->setDefault(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_demo);
    buttons->addWidget(m_back);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(40, 40, 40, 40);
    layout->addStretch(1);
    layout->addWidget(m_title);
    layout->addSpacing(8);
    layout->addWidget(m_message);
    layout->addSpacing(16);
    layout->addLayout(buttons);
    layout->addStretch(2);
    connect(m_open, &QPushButton::clicked, this, &OpenErrorView::openRequested);
    connect(m_demo, &QPushButton::clicked, this, &OpenErrorView::demoRequested);
    connect(m_back, &QPushButton::clicked, this, &OpenErrorView::backRequested);
}

void OpenErrorView::showError(const QString& path, const QString& message, bool canGoBack) {
    m_title->setText(path.isEmpty() ? tr("The model could not be opened") : tr("%1 could not be opened").arg(QFileInfo(path).fileName()));
    m_message->setText(message);
    m_back->setVisible(canGoBack);
}

QString OpenErrorView::message() const { return m_message->text(); }

}  // namespace pareto::ui
