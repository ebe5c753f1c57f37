// SPDX-License-Identifier: Apache-2.0
#include "charts/errorbarsitem.h"

#include <QChart>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace pareto::ui {

ErrorBarsItem::ErrorBarsItem(QChart* chart, Qt::Orientation orientation)
    : QGraphicsItem(chart), m_chart(chart), m_orientation(orientation) {
    setZValue(10);
    setAcceptHoverEvents(false);
    setAcceptedMouseButtons(Qt::NoButton);
}

void ErrorBarsItem::setBars(const QVector<Bar>& bars) {
    m_bars = bars;
    refresh();
}

void ErrorBarsItem::refresh() {
    prepareGeometryChange();
    update();
}

QRectF ErrorBarsItem::boundingRect() const { return m_chart->plotArea().adjusted(-2, -20, 120, 2); }

QFont ErrorBarsItem::labelFont() const {
    QFont f = m_chart->font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    return f;
}

QVector<QPair<QRectF, QString>> ErrorBarsItem::layoutLabels() const {
    QVector<QPair<QRectF, QString>> out;
    if (!m_series) return out;
    const QRectF area = m_chart->plotArea().adjusted(1, 1, -1, -1);
    const QFontMetricsF fm(labelFont());
    // The markers of the named points: a label never covers one.
    QVector<QRectF> markers;
    for (const Bar& b : m_bars) {
        if (b.label.isEmpty() || !std::isfinite(b.value.x()) || !std::isfinite(b.value.y())) continue;
        const QPointF at = m_chart->mapToPosition(b.value, m_series);
        markers << QRectF(at - QPointF(7, 7), QSizeF(14, 14));
    }
    for (const Bar& b : m_bars) {
        if (b.label.isEmpty() || !std::isfinite(b.value.x()) || !std::isfinite(b.value.y())) continue;
        const QPointF at = m_chart->mapToPosition(b.value, m_series);
        if (!area.contains(at)) continue;
        const QSizeF size(fm.horizontalAdvance(b.label) + 4, fm.height());
        const QRectF own(at - QPointF(7, 7), QSizeF(14, 14));
        // Around the point, nearest first: right, left, above, below, the corners, then further out.
        const double w = size.width(), h = size.height();
        QVector<QPointF> offsets;
        for (double d : {9.0, 18.0, 30.0})
            offsets << QPointF(d, -h / 2) << QPointF(-d - w, -h / 2) << QPointF(-w / 2, -d - h) << QPointF(-w / 2, d)
                    << QPointF(d - 2, -h - d / 2) << QPointF(d - 2, d / 2) << QPointF(-d - w + 2, -h - d / 2) << QPointF(-d - w + 2, d / 2);
        for (const QPointF& o : offsets) {
            const QRectF r(at + o, size);
            if (!area.contains(r)) continue;
            if (std::any_of(out.begin(), out.end(), [&](const QPair<QRectF, QString>& q) { return q.first.intersects(r); })) continue;
            if (std::any_of(markers.begin(), markers.end(), [&](const QRectF& m) { return m != own && m.intersects(r); })) continue;
            out.push_back({r, b.label});
            break;
        }
    }
    return out;
}

void ErrorBarsItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    if (!m_series || m_bars.isEmpty()) return;
    const QRectF area = m_chart->plotArea();
    p->save();
    p->setClipRect(area.adjusted(-1, -1, 1, 1));
    p->setRenderHint(QPainter::Antialiasing, true);
    const bool vertical = m_orientation == Qt::Vertical;
    for (const Bar& b : m_bars) {
        if (!std::isfinite(b.value.x()) || !std::isfinite(b.value.y()) || !std::isfinite(b.lo) || !std::isfinite(b.hi)) continue;
        const QPointF a = vertical ? QPointF(b.value.x(), b.lo) : QPointF(b.lo, b.value.y());
        const QPointF z = vertical ? QPointF(b.value.x(), b.hi) : QPointF(b.hi, b.value.y());
        const QPointF pa = m_chart->mapToPosition(a, m_series), pz = m_chart->mapToPosition(z, m_series);
        QPen pen(b.color, 1.4);
        if (b.dashed) pen.setStyle(Qt::DashLine);
        p->setPen(pen);
        p->drawLine(pa, pz);
        const QPointF cap = vertical ? QPointF(4, 0) : QPointF(0, 4);
        p->drawLine(pa - cap, pa + cap);
        p->drawLine(pz - cap, pz + cap);
    }
    p->setFont(labelFont());
    for (const auto& [r, text] : layoutLabels()) {
        // A name set off from its point is tied to it by a thin line.
        for (const Bar& b : m_bars) {
            if (b.label != text) continue;
            const QPointF at = m_chart->mapToPosition(b.value, m_series);
            const QPointF edge(std::clamp(at.x(), r.left(), r.right()), std::clamp(at.y(), r.top(), r.bottom()));
            if (QLineF(at, edge).length() > 12) {
                p->setPen(QPen(QColor(120, 120, 120), 0.8));
                p->drawLine(at, edge);
            }
            break;
        }
        // A light backing keeps a name readable over bars and the front line.
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(255, 255, 255, 200));
        p->drawRoundedRect(r, 2, 2);
        p->setPen(QColor(40, 40, 40));
        p->drawText(r, Qt::AlignCenter, text);
    }
    p->restore();
}

}  // namespace pareto::ui
