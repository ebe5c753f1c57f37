// SPDX-License-Identifier: Apache-2.0
#include "controls/labeledslider.h"

#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>

#include <algorithm>

namespace pareto::ui {

LabeledSlider::LabeledSlider(QWidget* parent) : QWidget(parent), m_slider(new QSlider(Qt::Horizontal, this)) {
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_slider->setPageStep(1);
    m_slider->setSingleStep(1);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_slider, &QSlider::valueChanged, this, [this] { update(); });
}

void LabeledSlider::setLabels(const QStringList& labels) {
    m_labels = labels;
    m_slider->setRange(0, std::max(0, static_cast<int>(labels.size()) - 1));
    updateGeometry();
    update();
}

QSize LabeledSlider::sizeHint() const {
    const int lines = staggered() ? 2 : 1;
    return {sizeHintWidth(), m_slider->sizeHint().height() + lines * fontMetrics().height() + 4};
}

QSize LabeledSlider::minimumSizeHint() const { return {160, sizeHint().height()}; }

void LabeledSlider::resizeEvent(QResizeEvent*) {
    m_slider->setGeometry(0, 0, width(), m_slider->sizeHint().height());
    updateGeometry();
}

bool LabeledSlider::staggered() const {
    if (m_labels.size() < 2) return false;
    // Before the first layout the real spacing is unknown: assume the preferred width.
    const int spacing = width() > 0 ? tickX(1) - tickX(0) : (sizeHintWidth() - 20) / (static_cast<int>(m_labels.size()) - 1);
    QFont bold = font();
    bold.setBold(true);
    int widest = 0;
    for (const auto& l : m_labels) widest = std::max(widest, QFontMetrics(bold).horizontalAdvance(l));
    return widest + 6 > spacing;
}

int LabeledSlider::tickX(int i) const {
    QStyleOptionSlider opt;
    opt.initFrom(m_slider);
    opt.orientation = Qt::Horizontal;
    opt.minimum = m_slider->minimum();
    opt.maximum = m_slider->maximum();
    const QRect handle = m_slider->style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, m_slider);
    const int len = handle.width();
    const int span = m_slider->width() - len;
    return m_slider->x() + len / 2 + QStyle::sliderPositionFromValue(m_slider->minimum(), m_slider->maximum(), i, span);
}

void LabeledSlider::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setPen(palette().color(QPalette::WindowText));
    const bool two = staggered();
    const int top = m_slider->geometry().bottom() + 2;
    const int h = fontMetrics().height();
    for (int i = 0; i < m_labels.size(); ++i) {
        const QString& l = m_labels[i];
        const int w = fontMetrics().horizontalAdvance(l);
        int x = tickX(i) - w / 2;
        x = std::clamp(x, 0, std::max(0, width() - w));
        const int y = top + (two && (i % 2) ? h : 0);
        QFont f = font();
        f.setBold(i == m_slider->value());
        p.setFont(f);
        p.drawText(QRect(x, y, w + 2, h), Qt::AlignLeft | Qt::AlignTop, l);
    }
}

}  // namespace pareto::ui
