// SPDX-License-Identifier: Apache-2.0
#include "warnings/warningspanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace pareto::ui {
namespace {

enum Column { kTime, kSource, kMessage };
constexpr int kCountRole = Qt::UserRole + 1;
constexpr int kLiveRole = Qt::UserRole + 2;      // the live group an item belongs to ("" for a plain finding)
constexpr int kSeverityRole = Qt::UserRole + 3;

// Long paths have no spaces to wrap at: a zero-width space after each separator lets the
// message wrap there instead of being elided (messages() returns the text as given).
QString wrappable(const QString& text) {
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        out += c;
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char('_') || c == QLatin1Char(',')) out += QChar(0x200B);
    }
    return out;
}

// Row heights from the text wrapped at the column's present width (the default delegate
// measures one line and then elides it).
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeWidget* tree) : QStyledItemDelegate(tree), m_tree(tree) {}
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        const int width = m_tree->columnWidth(index.column()) - 12 - (index.column() == 0 ? option.decorationSize.width() + 4 : 0);
        if (width <= 20) return s;
        const QString text = index.data(Qt::DisplayRole).toString();
        const QRect r = option.fontMetrics.boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap | Qt::TextWrapAnywhere, text);
        s.setHeight(std::max(s.height(), r.height() + 6));
        return s;
    }

private:
    QTreeWidget* m_tree;
};

// Rows wrap to the width their column has now: lay the rows out again when it changes.
void makeWrapping(QTreeWidget* tree) {
    tree->setItemDelegate(new WrappingDelegate(tree));
    tree->setWordWrap(true);
    tree->setTextElideMode(Qt::ElideNone);
    tree->setUniformRowHeights(false);
    tree->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QObject::connect(tree->header(), &QHeaderView::sectionResized, tree, [tree] { tree->doItemsLayout(); });
}

}  // namespace

WarningsPanel::WarningsPanel(QWidget* parent)
    : QWidget(parent),
      m_tree(new QTreeWidget(this)),
      m_live(new QTreeWidget(this)),
      m_liveTitle(new QLabel(tr("Now, for the configuration on the sliders:"), this)),
      m_clear(new QPushButton(tr("Clear"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_live->setColumnCount(2);
    m_live->setHeaderHidden(true);
    m_live->setRootIsDecorated(false);
    m_live->setWordWrap(true);
    m_live->setUniformRowHeights(false);
    m_live->header()->setStretchLastSection(true);
    m_live->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_live->setObjectName(QStringLiteral("liveFindings"));
    makeWrapping(m_live);
    auto* liveColumn = new QVBoxLayout;
    liveColumn->setContentsMargins(0, 0, 0, 0);
    liveColumn->addWidget(m_liveTitle);
    liveColumn->addWidget(m_live, 1);
    m_liveTitle->setVisible(false);
    m_live->setVisible(false);
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
    makeWrapping(m_tree);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_clear);
    auto* lists = new QHBoxLayout;
    lists->addWidget(m_tree, 3);
    lists->addLayout(liveColumn, 2);
    layout->addLayout(lists, 1);
    layout->addLayout(row);
    connect(m_clear, &QPushButton::clicked, this, &WarningsPanel::clear);
}

QTreeWidgetItem* WarningsPanel::makeItem(Severity severity, const QString& source, const QString& message) {
    auto* item = new QTreeWidgetItem;
    item->setText(kTime, QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    item->setText(kSource, source);
    item->setText(kMessage, wrappable(message));
    item->setData(kMessage, Qt::UserRole, message);
    item->setData(kMessage, kCountRole, 1);
    item->setData(kMessage, kSeverityRole, static_cast<int>(severity));
    item->setToolTip(kMessage, message);
    const QStyle::StandardPixmap icon = severity == Severity::Error     ? QStyle::SP_MessageBoxCritical
                                        : severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                        : QStyle::SP_MessageBoxInformation;
    item->setIcon(kTime, style()->standardIcon(icon));
    if (severity == Severity::Error) item->setForeground(kMessage, QColor(0xb0, 0x00, 0x20));
    return item;
}

void WarningsPanel::add(Severity severity, const QString& source, const QString& message) {
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (item->text(kSource) != source || item->data(kMessage, Qt::UserRole).toString() != message) continue;
        const int n = item->data(kMessage, kCountRole).toInt() + 1;
        item->setData(kMessage, kCountRole, n);
        item->setText(kMessage, QStringLiteral("%1  (×%2)").arg(wrappable(message)).arg(n));
        item->setText(kTime, time);
        return;
    }
    QTreeWidgetItem* item = makeItem(severity, source, message);
    if (severity == Severity::Error) ++m_errors;
    m_tree->addTopLevelItem(item);
    m_tree->scrollToItem(item);
    announce();
}

void WarningsPanel::setLive(const QString& source, const QVector<LiveFinding>& findings) {
    // The same findings as listed (the configuration changed, its findings did not): the
    // group is left as it is rather than rebuilt on every slider step.
    QVector<LiveFinding> shown;
    for (int i = 0; i < m_live->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_live->topLevelItem(i);
        if (item->data(kSource, kLiveRole).toString() == source)
            shown.push_back({static_cast<Severity>(item->data(kMessage, kSeverityRole).toInt()), item->data(kMessage, Qt::UserRole).toString()});
    }
    if (shown == findings) return;
    int at = -1;  // groups keep the place they first appeared at
    for (int i = m_live->topLevelItemCount() - 1; i >= 0; --i) {
        if (m_live->topLevelItem(i)->data(kSource, kLiveRole).toString() != source) continue;
        delete m_live->takeTopLevelItem(i);
        at = i;
    }
    if (at < 0) at = m_live->topLevelItemCount();
    for (const LiveFinding& f : findings) {
        QTreeWidgetItem* item = makeItem(f.severity, source, f.message);
        item->setData(kSource, kLiveRole, source);
        // The live list has two columns: source (with the icon) and the finding.
        item->setIcon(0, item->icon(kTime));
        item->setText(0, source);
        item->setText(1, wrappable(f.message));
        item->setToolTip(1, f.message);
        if (f.severity == Severity::Error) item->setForeground(1, QColor(0xb0, 0x00, 0x20));
        m_live->insertTopLevelItem(at++, item);
    }
    const bool any = m_live->topLevelItemCount() > 0;
    m_live->setVisible(any);
    m_liveTitle->setVisible(any);
    announce();
}

void WarningsPanel::announce() {
    int liveErrors = 0;
    for (int i = 0; i < m_live->topLevelItemCount(); ++i)
        if (m_live->topLevelItem(i)->data(kMessage, kSeverityRole).toInt() == static_cast<int>(Severity::Error)) ++liveErrors;
    Q_EMIT countChanged(count(), m_errors + liveErrors);
}

void WarningsPanel::clear() {
    // Plain findings go; live groups describe the present and stay.
    m_tree->clear();
    m_errors = 0;
    announce();
}

QStringList WarningsPanel::liveMessages(const QString& source) const {
    QStringList out;
    for (int i = 0; i < m_live->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_live->topLevelItem(i);
        if (item->data(kSource, kLiveRole).toString() == source) out << item->data(kMessage, Qt::UserRole).toString();
    }
    return out;
}

int WarningsPanel::count() const { return m_tree->topLevelItemCount(); }

QStringList WarningsPanel::messages() const {
    QStringList out;
    for (int i = 0; i < m_live->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_live->topLevelItem(i);
        out << item->text(0) + QStringLiteral(": ") + item->data(kMessage, Qt::UserRole).toString();
    }
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_tree->topLevelItem(i);
        out << item->text(kSource) + QStringLiteral(": ") + item->data(kMessage, Qt::UserRole).toString();
    }
    return out;
}

}  // namespace pareto::ui
