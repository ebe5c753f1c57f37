// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/zoomimageview.h"

#include "reconstruction/zoomstate.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace pareto::ui {

ZoomImageView::ZoomImageView(ZoomState* state, QWidget* parent) : QWidget(parent), m_state(state) {
    connect(state, &ZoomState::changed, this, qOverload<>(&QWidget::update));
    setMouseTracking(false);
    setCursor(Qt::OpenHandCursor);
    setMinimumSize(160, 190);
}

void ZoomImageView::setImage(const QImage& image, const QString& title, const QString& caption) {
    m_image = image;
    m_title = title;
    m_caption = caption;
    update();
}

QRectF ZoomImageView::imageArea() const {
    const int h = fontMetrics().height();
    return QRectF(4, h + 6, width() - 8, height() - 2 * h - 14);
}

double ZoomImageView::pixelScale() const {
    if (m_image.isNull()) return 1.0;
    const QRectF a = imageArea();
    return std::min(a.width() / m_image.width(), a.height() / m_image.height()) * m_state->zoom();
}

QPointF ZoomImageView::imagePointAt(const QPointF& p) const {
    const QRectF a = imageArea();
    return m_state->center() + (p - a.center()) / pixelScale();
}

void ZoomImageView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const int h = fontMetrics().height();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRect(4, 2, width() - 8, h + 2), Qt::AlignHCenter | Qt::AlignVCenter, m_title);
    p.setFont(font());
    p.drawText(QRect(4, height() - h - 4, width() - 8, h + 2), Qt::AlignHCenter | Qt::AlignVCenter,
               fontMetrics().elidedText(m_caption, Qt::ElideRight, width() - 8));
    const QRectF a = imageArea();
    p.fillRect(a, QColor(40, 40, 40));
    if (m_image.isNull()) return;
    const double s = pixelScale();
    // The visible part of the image, then drawn pixel-exact (no smoothing: errors stay crisp).
    const QPointF c = m_state->center();
    const QRectF target(a.center().x() - c.x() * s, a.center().y() - c.y() * s, m_image.width() * s, m_image.height() * s);
    p.save();
    p.setClipRect(a);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, m_image);
    p.restore();
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(a.adjusted(0, 0, -1, -1));
}

void ZoomImageView::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return;
    m_state->zoomAt(std::pow(1.25, steps), imagePointAt(e->position()));
    e->accept();
}

void ZoomImageView::mousePressEvent(QMouseEvent* e) {
    m_lastDrag = e->position();
    setCursor(Qt::ClosedHandCursor);
}

void ZoomImageView::mouseMoveEvent(QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton)) return;
    const QPointF d = e->position() - m_lastDrag;
    m_lastDrag = e->position();
    m_state->pan(-d / pixelScale());
}

void ZoomImageView::mouseReleaseEvent(QMouseEvent*) { setCursor(Qt::OpenHandCursor); }

void ZoomImageView::mouseDoubleClickEvent(QMouseEvent*) { m_state->reset(); }

}  // namespace pareto::ui
