// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/uiformat.h"
#include "session/evaluatedconfig.h"

#include <QChartView>
#include <QRectF>
#include <QSet>
#include <QVector>

#include <optional>

class QCategoryAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace pareto::ui {

class ErrorBarsItem;

/// @brief Quality (MSE, PSNR or SSIM) against stored bytes for every evaluated
/// configuration, each with its 95 % CI bar; one series per latent method (the user may hide
/// methods and scheme families); the Pareto front as a line through its points; points no
/// better than the mean image drawn apart and never on the front; configurations with the
/// same weights (EvaluatedConfig::weightsId) drawn as one point carrying every name.
///
/// Only the current configuration, A and the front are named on the chart (labels placed so
/// they never overlap or leave the plot); every point names itself on hover. Sizes, and MSE,
/// are plotted on log scales labelled at 1-2-5 steps (QLogValueAxis labels only powers of
/// ten, often none at all in the range a model spans). The report draws the same widget.
/// UI thread only.
class QualityChart : public QChartView {
    Q_OBJECT
public:
    explicit QualityChart(QWidget* parent = nullptr);

    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    /// `all` complete evaluations; `current` may be running (null: none); `pinnedKey` names A
    /// ("" for none); `meanImage` sets the "worse than the mean image" rule.
    void setData(const QVector<EvaluatedConfig>& all, const EvaluatedConfig* current, const QString& pinnedKey, qint64 n,
                 const MeanImageFigures& meanImage = {});
    /// Groups not drawn (nor counted for the front): latent method keys ("original", "pca",
    /// "trained", "distill") and scheme families ("float", "integer", "nf4", "ternary").
    void setHiddenGroups(const QSet<QString>& groups);
    QSet<QString> hiddenGroups() const { return m_hidden; }
    /// The group ids of a configuration: its latent method and its scheme family.
    static QString latentGroup(const EvaluatedConfig& c);
    static QString familyGroup(const EvaluatedConfig& c);

    /// Points plotted (configurations with the same weights count once; the current one
    /// counts once it is complete).
    int pointCount() const { return m_points.size(); }
    /// Keys on the front, by increasing bytes (a merged point: its first key).
    QStringList frontKeys() const;
    /// Keys drawn as "worse than the mean image".
    QStringList worseKeys() const;
    /// The hover text of a configuration (empty for an unknown key).
    QString tooltipFor(const QString& key) const;
    /// Where a configuration is drawn, in viewport coordinates (invalid when not drawn).
    QPoint viewportPosition(const QString& key) const;
    /// The hover text for the mouse at `viewportPos` ("" when no point is near).
    QString hoverTextAt(const QPoint& viewportPos) const;
    /// The point labels as laid out now, in scene coordinates, with their texts.
    QVector<QPair<QRectF, QString>> labelLayout() const;
    /// Series with points, in legend order: name and colour (the report draws its own legend).
    QVector<QPair<QString, QColor>> legendEntries() const;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    /// One drawn point: a configuration, or several with the same weights.
    struct Point {
        EvaluatedConfig record;
        QStringList keys, names;
        bool front = false;
        bool worse = false;
    };
    void rebuild();
    void attachY();
    QString tooltipText(const Point& p) const;
    const Point* pointFor(const QString& key) const;
    /// Plot coordinates of a configuration, and of a quality value.
    QPointF plotPoint(const EvaluatedConfig& c) const;
    double plotY(double value) const;

    QChart* m_chart;
    QVector<QScatterSeries*> m_methodSeries;  ///< original, PCA, trained, distilled
    QScatterSeries* m_worse;
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
    QVector<Point> m_points;
    std::optional<EvaluatedConfig> m_currentItem;
    QString m_pinnedKey;
    qint64 m_n = 0;
    MeanImageFigures m_meanImage;
    QSet<QString> m_hidden;
};

}  // namespace pareto::ui
