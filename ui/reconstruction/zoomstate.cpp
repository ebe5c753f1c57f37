// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/zoomstate.h"

#include <QSizeF>

#include <algorithm>

namespace pareto::ui {

ZoomState::ZoomState(QObject* parent) : QObject(parent) { reset(); }

void ZoomState::setImageSize(const QSizeF& size) {
    if (size == m_size) return;
    m_size = size;
    reset();
}

void ZoomState::zoomAt(double factor, const QPointF& anchor) {
    const double z = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    if (z == m_zoom) return;
    // Keep `anchor` fixed on screen: its offset from the centre shrinks by old/new zoom.
    const double k = m_zoom / z;
    m_center = anchor + (m_center - anchor) * k;
    m_zoom = z;
    clampCenter();
    Q_EMIT changed();
}

void ZoomState::pan(const QPointF& delta) {
    m_center += delta;
    clampCenter();
    Q_EMIT changed();
}

void ZoomState::reset() {
    m_zoom = 1.0;
    m_center = QPointF(m_size.width() / 2.0, m_size.height() / 2.0);
    Q_EMIT changed();
}

void ZoomState::clampCenter() {
    // The visible half-extent is size / (2 zoom): never pan past the image's edges.
    const double hw = m_size.width() / (2.0 * m_zoom), hh = m_size.height() / (2.0 * m_zoom);
    m_center.setX(std::clamp(m_center.x(), hw, m_size.width() - hw));
    m_center.setY(std::clamp(m_center.y(), hh, m_size.height() - hh));
}

}  // namespace pareto::ui
