// SPDX-License-Identifier: Apache-2.0
#include "help/firstrunhint.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>

namespace pareto::ui {
namespace {

const QString kKey = QStringLiteral("hints/firstRunDone");

}  // namespace

FirstRunHint::FirstRunHint(QWidget* parent) : QFrame(parent), m_text(new QLabel(this)), m_dismiss(new QPushButton(tr("Got it"), this)) {
    setObjectName(QStringLiteral("firstRunHint"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#firstRunHint { background: #e8f4fd; border: 1px solid #90c2e7; border-radius: 4px; }"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setText(tr("<b>New here?</b> Drag the <b>bit-width</b> slider (Controls, left) and watch the reconstructions and "
                       "their error maps change; the <b>latent</b> slider shrinks the model another way. The chart fills with "
                       "the default sweep by itself: every point is a configuration measured on held-out images, the dashed "
                       "line its Pareto front. Click a point or a table row to try it, <b>Pin as A</b> to compare. "
                       "<i>Help → User guide</i> says more."));
    m_dismiss->setObjectName(QStringLiteral("firstRunHintDismiss"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_dismiss, 0, Qt::AlignTop);
    connect(m_dismiss, &QPushButton::clicked, this, [this] {
        QSettings().setValue(kKey, true);
        hide();
    });
    hide();
}

void FirstRunHint::showIfFirstRun() { setVisible(!QSettings().value(kKey, false).toBool()); }

QString FirstRunHint::text() const { return m_text->text(); }

}  // namespace pareto::ui
