#pragma once

#include "common/uiformat.h"
#include "session/evaluatedconfig.h"

#include <QChartView>
#include <QVector>

#include <optional>

class QCategoryAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace pareto::ui {

class ErrorBarsItem;

/// @brief Quality (MSE, PSNR or SSIM) against stored bytes for every evaluated
/// configuration, each with its 95 % CI bar and name; the Pareto front as a line through its
/// points; the current configuration (running CI while it streams) and A highlighted;
/// hovering a point names its configuration. Sizes, and MSE, are plotted on log scales
/// labelled at 1-2-5 steps (QLogValueAxis labels only powers of ten, often none at all in
/// the range a model spans). UI thread only.
class QualityChart : public QChartView {
    Q_OBJECT
public:
    explicit QualityChart(QWidget* parent = nullptr);

    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    /// `all` complete evaluations with their Pareto flags for the chart's metric; `current`
    /// may be running (null: none); `pinnedKey` names A ("" for none).
    void setData(const QVector<EvaluatedConfig>& all, const QVector<bool>& pareto, const EvaluatedConfig* current,
                 const QString& pinnedKey, qint64 n);

    /// Evaluated configurations plotted (the current one counts once it is complete).
    int pointCount() const { return m_items.size(); }
    /// Keys on the front, by increasing bytes.
    QStringList frontKeys() const;
    /// The hover text of a configuration (empty for an unknown key).
    QString tooltipFor(const QString& key) const;

private:
    void rebuild();
    void attachY();
    void hovered(const QPointF& point, bool state);
    static QString tooltipText(const EvaluatedConfig& c, Metric m, bool pareto);
    /// Plot coordinates of a configuration, and of a quality value.
    QPointF plotPoint(const EvaluatedConfig& c) const;
    double plotY(double value) const;

    QChart* m_chart;
    QScatterSeries* m_points;
    QScatterSeries* m_front;
    QScatterSeries* m_current;
    QScatterSeries* m_pinned;
    QLineSeries* m_frontLine;
    QCategoryAxis* m_x;
    QValueAxis* m_yLinear;
    QCategoryAxis* m_yLog;
    ErrorBarsItem* m_bars;
    Metric m_metric = Metric::Mse;
    QVector<EvaluatedConfig> m_items;
    QVector<bool> m_pareto;
    std::optional<EvaluatedConfig> m_currentItem;
    QString m_pinnedKey;
    qint64 m_n = 0;
};

}  // namespace pareto::ui
