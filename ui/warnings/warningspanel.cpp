#include "warnings/warningspanel.h"

#include <QHeaderView>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pareto::ui {
namespace {

enum Column { kTime, kSource, kMessage };
constexpr int kCountRole = Qt::UserRole + 1;

}  // namespace

WarningsPanel::WarningsPanel(QWidget* parent)
    : QWidget(parent), m_tree(new QTreeWidget(this)), m_clear(new QPushButton(tr("Clear"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Time"), tr("Source"), tr("Finding")});
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->setWordWrap(true);
    m_tree->setUniformRowHeights(false);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(kTime, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(kSource, QHeaderView::ResizeToContents);
    m_tree->setObjectName(QStringLiteral("warningsList"));
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_clear);
    layout->addWidget(m_tree, 1);
    layout->addLayout(row);
    connect(m_clear, &QPushButton::clicked, this, &WarningsPanel::clear);
}

void WarningsPanel::add(Severity severity, const QString& source, const QString& message) {
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (item->text(kSource) != source || item->data(kMessage, Qt::UserRole).toString() != message) continue;
        const int n = item->data(kMessage, kCountRole).toInt() + 1;
        item->setData(kMessage, kCountRole, n);
        item->setText(kMessage, QStringLiteral("%1  (×%2)").arg(message).arg(n));
        item->setText(kTime, time);
        return;
    }
    auto* item = new QTreeWidgetItem;
    item->setText(kTime, time);
    item->setText(kSource, source);
    item->setText(kMessage, message);
    item->setData(kMessage, Qt::UserRole, message);
    item->setData(kMessage, kCountRole, 1);
    item->setToolTip(kMessage, message);
    const QStyle::StandardPixmap icon = severity == Severity::Error     ? QStyle::SP_MessageBoxCritical
                                        : severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                        : QStyle::SP_MessageBoxInformation;
    item->setIcon(kTime, style()->standardIcon(icon));
    if (severity == Severity::Error) {
        item->setForeground(kMessage, QColor(0xb0, 0x00, 0x20));
        ++m_errors;
    }
    m_tree->addTopLevelItem(item);
    m_tree->scrollToItem(item);
    Q_EMIT countChanged(count(), m_errors);
}

void WarningsPanel::clear() {
    m_tree->clear();
    m_errors = 0;
    Q_EMIT countChanged(0, 0);
}

int WarningsPanel::count() const { return m_tree->topLevelItemCount(); }

QStringList WarningsPanel::messages() const {
    QStringList out;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_tree->topLevelItem(i);
        out << item->text(kSource) + QStringLiteral(": ") + item->data(kMessage, Qt::UserRole).toString();
    }
    return out;
}

}  // namespace pareto::ui
