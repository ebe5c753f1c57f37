// SPDX-License-Identifier: Apache-2.0
#include "common/flowlayout.h"

#include <QWidget>

#include <algorithm>

namespace pareto::ui {

FlowLayout::FlowLayout(QWidget* parent, int spacing) : QLayout(parent) {
    setSpacing(spacing);
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

void FlowLayout::addStretch() { m_stretchAt = static_cast<int>(m_items.size()); }

QLayoutItem* FlowLayout::takeAt(int index) {
    if (index < 0 || index >= m_items.size()) return nullptr;
    if (m_stretchAt > index) --m_stretchAt;
    return m_items.takeAt(index);
}

QSize FlowLayout::minimumSize() const {
    QSize size;
    for (const QLayoutItem* item : m_items) size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    size += QSize(m.left() + m.right(), m.top() + m.bottom());
    return {size.width(), std::max(size.height(), m_laidOutHeight)};
}

QSize FlowLayout::sizeHint() const {
    // One row of everything: what it would like; heightForWidth() says what it needs.
    int w = 0, h = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;
        w += item->sizeHint().width() + spacing();
        h = std::max(h, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return {w + m.left() + m.right(), h + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    const int h = arrange(rect, true);
    if (h != m_laidOutHeight) {
        // Rows were added or removed: the parent lays out again with the new minimum.
        m_laidOutHeight = h;
        QMetaObject::invokeMethod(this, [this] { invalidate(); }, Qt::QueuedConnection);
    }
}

int FlowLayout::arrange(const QRect& rect, bool apply) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    const int gap = spacing();
    // Rows of item indices; the items from m_stretchAt on are right-aligned in their row.
    QList<QList<int>> rows{{}};
    int x = 0;
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items[i]->isEmpty()) continue;
        const int w = m_items[i]->sizeHint().width();
        if (!rows.last().isEmpty() && x + w > area.width()) {
            rows.append(QList<int>());
            x = 0;
        }
        rows.last().append(i);
        x += w + gap;
    }
    int y = area.top();
    for (const QList<int>& row : rows) {
        int rowH = 0;
        for (int i : row) rowH = std::max(rowH, m_items[i]->sizeHint().height());
        if (apply) {
            int left = area.left();
            int right = area.right() + 1;
            // Right-aligned items, laid from the right end backwards.
            for (int r = static_cast<int>(row.size()) - 1; r >= 0 && m_stretchAt >= 0 && row[r] >= m_stretchAt; --r) {
                const QSize s = m_items[row[r]]->sizeHint();
                right -= s.width();
                m_items[row[r]]->setGeometry(QRect(QPoint(right, y + (rowH - s.height()) / 2), s));
                right -= gap;
            }
            for (int i : row) {
                if (m_stretchAt >= 0 && i >= m_stretchAt) break;
                const QSize s = m_items[i]->sizeHint();
                m_items[i]->setGeometry(QRect(QPoint(left, y + (rowH - s.height()) / 2), QSize(std::min(s.width(), area.right() + 1 - left), s.height())));
                left += s.width() + gap;
            }
        }
        y += rowH + gap;
    }
    const QMargins m = contentsMargins();
    return y - gap - area.top() + m.top() + m.bottom();
}

}  // namespace pareto::ui
