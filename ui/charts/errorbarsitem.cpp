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

void ErrorBarsItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    if (!m_series || m_bars.isEmpty()) return;
    const QRectF area = m_chart->plotArea();
    p->save();
    p->setClipRect(area.adjusted(-1, -1, 1, 1));
    p->setRenderHint(QPainter::Antialiasing, true);
    QFont f = p->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p->setFont(f);
    const bool vertical = m_orientation == Qt::Vertical;
    const QFontMetricsF fm(f);
    QVector<QRectF> placed;  // labels already drawn: a label that would overlap one moves or is left out
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
        if (!b.label.isEmpty()) {
            const QPointF at = m_chart->mapToPosition(b.value, m_series);
            const QSizeF size(fm.horizontalAdvance(b.label) + 2, fm.height());
            // Right-above, right-below, left-above, left-below of the point, then further out.
            const QPointF offsets[] = {{7, -size.height() - 1}, {7, 2}, {-7 - size.width(), -size.height() - 1}, {-7 - size.width(), 2},
                                       {7, -2 * size.height() - 2}, {7, size.height() + 3}};
            for (const QPointF& o : offsets) {
                const QRectF r(at + o, size);
                if (std::any_of(placed.begin(), placed.end(), [&](const QRectF& q) { return q.intersects(r); })) continue;
                placed << r;
                p->setPen(QColor(60, 60, 60));
                p->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, b.label);
                break;
            }
        }
    }
    p->restore();
}

}  // namespace pareto::ui
