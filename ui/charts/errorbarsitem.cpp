#include "charts/errorbarsitem.h"

#include <QChart>
#include <QPainter>
#include <QValueAxis>

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
    const auto valid = [this](double v, bool log) { return std::isfinite(v) && (!log || v > 0); };
    const bool vertical = m_orientation == Qt::Vertical;
    for (const Bar& b : m_bars) {
        if (!valid(b.value.x(), m_logX) || !valid(b.value.y(), m_logY)) continue;
        const bool logAlong = vertical ? m_logY : m_logX;
        if (!valid(b.lo, logAlong) || !valid(b.hi, logAlong)) continue;
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
            p->setPen(QColor(60, 60, 60));
            p->drawText(at + QPointF(7, -5), b.label);
        }
    }
    p->restore();
}

}  // namespace pareto::ui
