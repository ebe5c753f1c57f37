// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/colorscalelegend.h"

#include "reconstruction/heatmap.h"

#include <QPainter>

#include <algorithm>

namespace pareto::ui {

ColorScaleLegend::ColorScaleLegend(QWidget* parent) : QWidget(parent), m_ramp(heatmapRamp()) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ColorScaleLegend::setScale(double top, const QString& what, bool locked) {
    m_top = top;
    m_what = what;
    m_locked = locked;
    update();
}

QSize ColorScaleLegend::sizeHint() const { return {400, fontMetrics().height() * 2 + 16}; }

void ColorScaleLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const int h = fontMetrics().height();
    const QString title = m_what + (m_locked ? tr(" (scale locked)") : QString());
    const int titleW = fontMetrics().horizontalAdvance(title) + 12;
    const QRect bar(titleW, 4, std::clamp(width() - titleW - 30, 80, 520), 12);
    p.drawText(QRect(0, 0, titleW, 20), Qt::AlignVCenter | Qt::AlignLeft, title);
    p.drawImage(bar, m_ramp);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    if (m_top <= 0) return;
    for (int i = 0; i <= 4; ++i) {
        const double v = m_top * i / 4.0;
        const int x = bar.left() + bar.width() * i / 4;
        p.drawLine(x, bar.bottom() + 1, x, bar.bottom() + 4);
        const QString t = QString::number(v, 'g', 3);
        const int w = fontMetrics().horizontalAdvance(t);
        p.drawText(QRect(std::clamp(x - w / 2, 0, width() - w), bar.bottom() + 4, w + 2, h), Qt::AlignLeft, t);
    }
}

}  // namespace pareto::ui
