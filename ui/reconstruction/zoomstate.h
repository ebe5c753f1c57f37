// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointF>
#include <QSizeF>

namespace pareto::ui {

/// @brief Zoom and pan shared by the views of one enlarged sample, so all four move
/// together. Zoom 1 fits the image; the centre is in image pixels. UI thread only.
class ZoomState : public QObject {
    Q_OBJECT
public:
    static constexpr double kMinZoom = 1.0;
    static constexpr double kMaxZoom = 32.0;

    explicit ZoomState(QObject* parent = nullptr);

    double zoom() const { return m_zoom; }
    QPointF center() const { return m_center; }
    /// The image size the centre refers to (set by the dialog).
    void setImageSize(const QSizeF& size);

    /// Multiplies the zoom by `factor`, keeping image point `anchor` where it is on screen.
    void zoomAt(double factor, const QPointF& anchor);
    /// Moves the view by `delta` image pixels.
    void pan(const QPointF& delta);
    void reset();

Q_SIGNALS:
    void changed();

private:
    void clampCenter();

    double m_zoom = 1.0;
    QPointF m_center;
    QSizeF m_size{64, 64};
};

}  // namespace pareto::ui
