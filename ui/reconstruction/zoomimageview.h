// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QImage>
#include <QPoint>
#include <QWidget>

namespace pareto::ui {

class ZoomState;

/// @brief One enlarged image drawn with nearest-neighbour pixels at the shared ZoomState:
/// the wheel zooms about the cursor, dragging pans, a double click resets; every view on the
/// same state follows. UI thread only.
class ZoomImageView : public QWidget {
    Q_OBJECT
public:
    ZoomImageView(ZoomState* state, QWidget* parent = nullptr);

    void setImage(const QImage& image, const QString& title, const QString& caption);
    QSize sizeHint() const override { return {300, 330}; }

    /// Image pixel under widget point `p` (for tests).
    QPointF imagePointAt(const QPointF& p) const;
    /// The widget point the shared centre is drawn at.
    QPointF viewCenter() const { return imageArea().center(); }

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    QRectF imageArea() const;
    double pixelScale() const;

    ZoomState* m_state;
    QImage m_image;
    QString m_title, m_caption;
    QPointF m_lastDrag;
};

}  // namespace pareto::ui
