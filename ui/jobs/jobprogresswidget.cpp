// SPDX-License-Identifier: Apache-2.0
#include "jobs/jobprogresswidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace pareto::ui {

JobProgressWidget::JobProgressWidget(QWidget* parent)
    : QWidget(parent), m_label(new QLabel(this)), m_bar(new QProgressBar(this)), m_cancel(new QPushButton(tr("Cancel"), this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_label->setMinimumWidth(260);
    m_label->setMaximumWidth(420);
    m_label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_cancel->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    m_bar->setRange(0, 1000);
    m_bar->setFixedWidth(200);
    m_bar->setTextVisible(true);
    m_cancel->setObjectName(QStringLiteral("jobCancelButton"));
    m_cancel->setToolTip(tr("Stop this job; what it finished stays"));
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_tasks.isEmpty()) return;
        const Task t = m_tasks.last();
        if (t.cancel) t.cancel();
        m_label->setText(tr("Cancelling %1…").arg(t.label));
    });
    setVisible(false);
}

void JobProgressWidget::begin(const QString& id, const QString& label, std::function<void()> cancel) {
    end(id);
    m_tasks.push_back(Task{id, label, QString(), 0.0, std::move(cancel)});
    refresh();
}

void JobProgressWidget::update(const QString& id, double fraction, const QString& stage) {
    for (auto& t : m_tasks) {
        if (t.id != id) continue;
        t.fraction = fraction;
        t.stage = stage;
    }
    refresh();
}

void JobProgressWidget::end(const QString& id) {
    for (int i = m_tasks.size() - 1; i >= 0; --i)
        if (m_tasks[i].id == id) m_tasks.remove(i);
    refresh();
}

bool JobProgressWidget::isActive(const QString& id) const {
    for (const auto& t : m_tasks)
        if (t.id == id) return true;
    return false;
}

QString JobProgressWidget::text() const { return m_label->text(); }

void JobProgressWidget::refresh() {
    if (m_tasks.isEmpty()) {
        setVisible(false);
        return;
    }
    const Task& t = m_tasks.last();
    QString text = t.stage.isEmpty() ? t.label : t.stage;
    if (m_tasks.size() > 1) text += tr("  (+%1 more)").arg(m_tasks.size() - 1);
    m_label->setToolTip(t.label + QStringLiteral(": ") + text);
    m_label->setText(m_label->fontMetrics().elidedText(text, Qt::ElideMiddle, m_label->maximumWidth()));
    // QProgressBar::setValue repaints at once when its percentage changes, and a synchronous
    // repaint paints every dirty widget of the window with it (the chart a sweep row just
    // changed): 10-20 ms inside one progress callout. With updates off it only stores the
    // value; turning them on again schedules an ordinary update, painted with the next frame.
    m_bar->setUpdatesEnabled(false);
    m_bar->setValue(static_cast<int>(t.fraction * 1000.0));
    m_bar->setUpdatesEnabled(true);
    m_bar->setFormat(QStringLiteral("%p%"));
    setVisible(true);
}

}  // namespace pareto::ui
