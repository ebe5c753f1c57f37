// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QImage>
#include <QWidget>

namespace pareto::ui {

/// @brief The legend of the |error| heat maps: the colour ramp with 0, half and the top
/// of the scale every heat map in the grid shares. UI thread only.
class ColorScaleLegend : public QWidget {
    Q_OBJECT
public:
    explicit ColorScaleLegend(QWidget* parent = nullptr);

    void setScale(double top, const QString& what, bool locked);
    double scale() const { return m_top; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_ramp;
    double m_top = 0;
    QString m_what;
    bool m_locked = false;
};

}  // namespace pareto::ui
