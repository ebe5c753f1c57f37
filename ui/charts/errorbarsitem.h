// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QFont>
#include <QPair>
#include <QRectF>
#include <QGraphicsItem>
#include <QPointF>
#include <QString>
#include <QVector>

class QAbstractSeries;
class QChart;

namespace pareto::ui {

/// @brief 95 % CI error bars (and point names) drawn over a QChart, which has no error-bar
/// series. Positions come from QChart::mapToPosition on every paint, so the bars follow
/// axis changes and resizes. Vertical bars span y (lo..hi) at x; horizontal bars span x at y.
/// Values are in the series' axis coordinates (already log10 on a log-scaled chart).
/// UI thread only.
class ErrorBarsItem : public QGraphicsItem {
public:
    struct Bar {
        QPointF value;      ///< the point (x, y) in axis values
        double lo = 0, hi = 0;
        QColor color;
        QString label;      ///< drawn beside the point; empty for none
        bool dashed = false;
    };

    ErrorBarsItem(QChart* chart, Qt::Orientation orientation);

    /// The series whose axes map values to positions.
    void setSeries(QAbstractSeries* series) { m_series = series; }
    void setBars(const QVector<Bar>& bars);
    const QVector<Bar>& bars() const { return m_bars; }

    /// Where the labels go now, in item coordinates, in the order of bars(): each inside
    /// the plot area, clear of every other label and of the labelled points' markers; a
    /// label with no such place is left out (the point still names itself on hover).
    QVector<QPair<QRectF, QString>> layoutLabels() const;
    /// The label font (a little smaller than the chart's).
    QFont labelFont() const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    /// Call when the plot area or an axis range changed.
    void refresh();

private:
    QChart* m_chart;
    QAbstractSeries* m_series = nullptr;
    Qt::Orientation m_orientation;
    QVector<Bar> m_bars;
};

}  // namespace pareto::ui
