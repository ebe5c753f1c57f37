// SPDX-License-Identifier: Apache-2.0
#include "charts/qualitychart.h"

#include "charts/errorbarsitem.h"
#include "session/evaluatedconfigs.h"
#include "session/ratiotext.h"

#include "quant/quantscheme.h"

#include <QCategoryAxis>
#include <QGraphicsScene>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pareto::ui {
namespace {

double kib(qint64 bytes) { return static_cast<double>(bytes) / 1024.0; }

QString tickLabel(double v) { return QString::number(v, 'g', 6); }

// Labels at 1-2-5 x 10^k inside [lo, hi] (lo > 0), placed at their log10; 1..9 x 10^k
// when the range is too narrow for two of those, and the ends when even that is too few.
// Every category change relayouts the chart: when the ticks and range are what the axis
// already shows (a sweep row inside the current range), nothing is touched.
void setLogTicks(QCategoryAxis* axis, double lo, double hi) {
    const double a = std::log10(lo), b = std::log10(hi);
    const auto ticks = [&](std::initializer_list<double> mantissas) {
        QVector<double> out;
        for (int k = static_cast<int>(std::floor(a)) - 1; k <= static_cast<int>(std::ceil(b)); ++k)
            for (double m : mantissas) {
                const double v = m * std::pow(10.0, k);
                if (v >= lo && v <= hi) out << v;
            }
        return out;
    };
    QVector<double> t = ticks({1, 2, 5});
    if (t.size() < 2) t = ticks({1, 2, 3, 4, 5, 6, 7, 8, 9});
    if (t.size() < 2) t = {lo * 1.0001, hi / 1.0001};
    QStringList used;
    QVector<double> at;
    for (double v : t) {
        const QString l = tickLabel(v);
        if (used.contains(l)) continue;  // labels must be unique
        used << l;
        at << std::log10(v);
    }
    bool same = axis->categoriesLabels() == used && axis->startValue() == a && axis->min() == a && axis->max() == b;
    for (int i = 0; same && i < used.size(); ++i) same = axis->endValue(used[i]) == at[i];
    if (same) return;
    for (const QString& l : axis->categoriesLabels()) axis->remove(l);
    axis->setStartValue(a);
    axis->setRange(a, b);
    for (int i = 0; i < used.size(); ++i) axis->append(used[i], at[i]);
}

const QColor kFrontColor(0, 121, 107);
const QColor kCurrentColor(214, 96, 0);
const QColor kPinnedColor(123, 31, 162);
const QColor kWorseColor(150, 150, 150);
// One colour per latent method, in LatentMethod order: original, PCA, trained, distilled.
const QColor kMethodColors[] = {QColor(70, 100, 150), QColor(31, 119, 180), QColor(140, 86, 75), QColor(200, 80, 160)};
const char* const kMethodKeys[] = {"original", "pca", "trained", "distill"};
// Pixels from a point within which hovering names it.
constexpr double kHoverRadius = 14.0;

}  // namespace


QualityChart::QualityChart(QWidget* parent)
    : QChartView(parent),
      m_chart(new QChart),
      m_worse(new QScatterSeries),
      m_front(new QScatterSeries),
      m_current(new QScatterSeries),
      m_pinned(new QScatterSeries),
      m_frontLine(new QLineSeries),
      m_x(new QCategoryAxis),
      m_yLinear(new QValueAxis),
      m_yLog(new QCategoryAxis) {
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    // Below this the axis titles and the labels have no room: the panel scrolls instead.
    setMinimumSize(360, 230);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    // The legend is drawn by the owner (a wrapping line under the chart, the report's own row):
    // QChart's legend elides names once the series outgrow one line.
    m_chart->legend()->setVisible(false);
    for (int i = 0; i < 4; ++i) {
        auto* s = new QScatterSeries;
        s->setName(latentMethodLabel(static_cast<LatentMethod>(i)));
        s->setColor(kMethodColors[i]);
        s->setBorderColor(kMethodColors[i].darker(130));
        s->setMarkerSize(9);
        m_methodSeries << s;
    }
    m_worse->setName(tr("no better than the mean image"));
    m_worse->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    m_worse->setColor(QColor(255, 255, 255));
    m_worse->setBorderColor(kWorseColor);
    m_worse->setPen(QPen(kWorseColor, 1.5));
    m_worse->setMarkerSize(10);
    m_front->setName(tr("on the Pareto front"));
    m_front->setColor(QColor(0, 0, 0, 0));
    m_front->setBorderColor(kFrontColor);
    m_front->setPen(QPen(kFrontColor, 2.2));
    m_front->setMarkerSize(16);
    m_frontLine->setName(tr("Pareto front"));
    m_frontLine->setPen(QPen(kFrontColor, 1.6, Qt::DashLine));
    m_current->setName(tr("current"));
    m_current->setColor(QColor(214, 96, 0, 70));
    m_current->setBorderColor(kCurrentColor);
    m_current->setPen(QPen(kCurrentColor, 3));
    m_current->setMarkerSize(20);
    m_pinned->setName(tr("A (pinned)"));
    m_pinned->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_pinned->setColor(QColor(123, 31, 162, 60));
    m_pinned->setPen(QPen(kPinnedColor, 2.5));
    m_pinned->setMarkerSize(17);
    m_chart->addSeries(m_frontLine);
    m_chart->addSeries(m_worse);
    for (QScatterSeries* s : m_methodSeries) m_chart->addSeries(s);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{m_front, m_pinned, m_current}) m_chart->addSeries(s);

    m_x->setTitleText(tr("stored size, KiB (log)"));
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yLog->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yLinear->setLabelFormat(QStringLiteral("%.3g"));
    m_yLinear->setTickType(QValueAxis::TicksDynamic);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    for (QAbstractSeries* s : m_chart->series()) s->attachAxis(m_x);

    m_bars = new ErrorBarsItem(m_chart, Qt::Vertical);
    m_bars->setSeries(m_front);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { m_bars->refresh(); });
    connect(m_x, &QCategoryAxis::rangeChanged, this, [this] { m_bars->refresh(); });
    connect(m_yLog, &QCategoryAxis::rangeChanged, this, [this] { m_bars->refresh(); });
    connect(m_yLinear, &QValueAxis::rangeChanged, this, [this] { m_bars->refresh(); });
    attachY();
    rebuild();
}

void QualityChart::setMetric(Metric metric) {
    if (metric == m_metric) return;
    m_metric = metric;
    attachY();
    rebuild();
}

void QualityChart::setHiddenGroups(const QSet<QString>& groups) {
    if (groups == m_hidden) return;
    m_hidden = groups;
    rebuild();
}

QString QualityChart::latentGroup(const EvaluatedConfig& c) { return latentMethodKey(c.config.latent.method); }

QString QualityChart::familyGroup(const EvaluatedConfig& c) {
    switch (c.config.scheme.kind) {
    case QuantKind::Integer: return QStringLiteral("integer");
    case QuantKind::NF4: return QStringLiteral("nf4");
    case QuantKind::Ternary: return QStringLiteral("ternary");
    default: return QStringLiteral("float");
    }
}

void QualityChart::attachY() {
    QAbstractAxis* want = m_metric == Metric::Mse ? static_cast<QAbstractAxis*>(m_yLog) : m_yLinear;
    for (QAbstractAxis* a : {static_cast<QAbstractAxis*>(m_yLog), static_cast<QAbstractAxis*>(m_yLinear)}) {
        if (a == want || !m_chart->axes(Qt::Vertical).contains(a)) continue;
        for (QAbstractSeries* s : m_chart->series()) s->detachAxis(a);
        m_chart->removeAxis(a);
    }
    if (!m_chart->axes(Qt::Vertical).contains(want)) {
        m_chart->addAxis(want, Qt::AlignLeft);
        for (QAbstractSeries* s : m_chart->series()) s->attachAxis(want);
    }
    want->setTitleText(metricTitle(m_metric) + (m_metric == Metric::Mse ? tr(" (log)") : QString()));
}

double QualityChart::plotY(double value) const {
    if (m_metric != Metric::Mse) return value;
    return value > 0 ? std::log10(value) : std::numeric_limits<double>::quiet_NaN();
}

QPointF QualityChart::plotPoint(const EvaluatedConfig& c) const {
    return {std::log10(std::max(1e-9, kib(c.bytes))), plotY(c.metric(m_metric).mean)};
}

void QualityChart::setData(const QVector<EvaluatedConfig>& all, const EvaluatedConfig* current, const QString& pinnedKey, qint64 n,
                           const MeanImageFigures& meanImage) {
    m_items = all;
    m_currentItem = current ? std::optional<EvaluatedConfig>(*current) : std::nullopt;
    m_pinnedKey = pinnedKey;
    m_n = n;
    m_meanImage = meanImage;
    rebuild();
}

QStringList QualityChart::frontKeys() const {
    QVector<const Point*> front;
    for (const Point& p : m_points)
        if (p.front) front << &p;
    std::sort(front.begin(), front.end(), [](const Point* a, const Point* b) { return a->record.bytes < b->record.bytes; });
    QStringList keys;
    for (const Point* p : front) keys << p->keys.first();
    return keys;
}

QStringList QualityChart::worseKeys() const {
    QStringList keys;
    for (const Point& p : m_points)
        if (p.worse) keys << p.keys;
    return keys;
}

const QualityChart::Point* QualityChart::pointFor(const QString& key) const {
    for (const Point& p : m_points)
        if (p.keys.contains(key)) return &p;
    return nullptr;
}

QString QualityChart::tooltipText(const Point& p) const {
    const EvaluatedConfig& c = p.record;
    QStringList names;
    for (const QString& n : p.names) names << n.toHtmlEscaped();
    QString t = QStringLiteral("<b>%1</b>").arg(names.join(QStringLiteral("<br>= ")));
    if (p.front) t += tr(" · on the Pareto front");
    t += QStringLiteral("<br>");
    if (p.names.size() > 1) t += tr("the same weights (one model reached %1 ways)<br>").arg(p.names.size());
    t += tr("%1 · %2 · %3 bits/param<br>").arg(formatBytes(c.bytes), ratioText(c).toHtmlEscaped()).arg(c.bitsPerParam, 0, 'f', 2);
    t += tr("%1 %2<br>").arg(metricTitle(m_metric), formatEstimate(c.metric(m_metric), metricDigits(m_metric)));
    if (!c.baseline) t += tr("Δ vs FP32 %1<br>").arg(formatDelta(c.delta(m_metric), metricDigits(m_metric)));
    if (p.worse)
        t += tr("<span style='color:#b00020'>no better than the mean image (%1): not on the front</span><br>")
                 .arg(formatNumber(m_meanImage.metric(m_metric).mean, metricDigits(m_metric)));
    t += c.complete ? tr("n = %1 · %2").arg(c.n).arg(c.source) : tr("measuring: n = %1 of %2").arg(c.n).arg(c.total);
    return t;
}

QString QualityChart::tooltipFor(const QString& key) const {
    if (const Point* p = pointFor(key)) return tooltipText(*p);
    if (m_currentItem && m_currentItem->key == key) return tooltipText(Point{*m_currentItem, {key}, {m_currentItem->label}, false, false});
    return {};
}

QPoint QualityChart::viewportPosition(const QString& key) const {
    const EvaluatedConfig* c = nullptr;
    if (const Point* p = pointFor(key)) c = &p->record;
    else if (m_currentItem && m_currentItem->key == key) c = &*m_currentItem;
    if (!c) return {};
    const QPointF pt = plotPoint(*c);
    if (!std::isfinite(pt.x()) || !std::isfinite(pt.y())) return {};
    return mapFromScene(m_chart->mapToScene(m_chart->mapToPosition(pt, m_front)));
}

QString QualityChart::hoverTextAt(const QPoint& viewportPos) const {
    QString best;
    double bestD = kHoverRadius;
    const auto consider = [&](const EvaluatedConfig& c, const QString& key) {
        const QPointF pt = plotPoint(c);
        if (!std::isfinite(pt.x()) || !std::isfinite(pt.y())) return;
        const QPointF at = mapFromScene(m_chart->mapToScene(m_chart->mapToPosition(pt, m_front)));
        const double d = QLineF(at, QPointF(viewportPos)).length();
        if (d <= bestD) bestD = d, best = key;
    };
    for (const Point& p : m_points) consider(p.record, p.keys.first());
    if (m_currentItem && !pointFor(m_currentItem->key)) consider(*m_currentItem, m_currentItem->key);
    return best.isEmpty() ? QString() : tooltipFor(best);
}

void QualityChart::mouseMoveEvent(QMouseEvent* event) {
    QChartView::mouseMoveEvent(event);
    const QString text = hoverTextAt(event->position().toPoint());
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void QualityChart::leaveEvent(QEvent* event) {
    QToolTip::hideText();
    QChartView::leaveEvent(event);
}

QVector<QPair<QRectF, QString>> QualityChart::labelLayout() const { return m_bars->layoutLabels(); }

QVector<QPair<QString, QColor>> QualityChart::legendEntries() const {
    QVector<QPair<QString, QColor>> out;
    for (QScatterSeries* s : m_methodSeries)
        if (s->count() > 0) out.push_back({s->name(), s->color()});
    if (m_worse->count() > 0) out.push_back({m_worse->name(), kWorseColor});
    if (m_front->count() > 0) out.push_back({m_front->name(), kFrontColor});
    if (m_pinned->count() > 0) out.push_back({m_pinned->name(), kPinnedColor});
    if (m_current->count() > 0) out.push_back({m_current->name(), kCurrentColor});
    return out;
}

void QualityChart::rebuild() {
    // Points are gathered first and each series replaced once: appending point by point
    // makes the chart update its items once per point.
    QList<QPointF> methodPoints[4], worsePoints, frontPoints, currentPoints, pinnedPoints;

    // Visible configurations, one point per distinct weights (the baseline stands for its twins).
    m_points.clear();
    const QString currentKey = m_currentItem ? m_currentItem->key : QString();
    for (const EvaluatedConfig& c : m_items) {
        const bool pinnedOrCurrent = c.key == currentKey || c.key == m_pinnedKey;
        if (!pinnedOrCurrent && (m_hidden.contains(latentGroup(c)) || m_hidden.contains(familyGroup(c)))) continue;
        Point* same = nullptr;
        if (!c.weightsId.isEmpty())
            for (Point& p : m_points)
                if (p.record.weightsId == c.weightsId) same = &p;
        if (same) {
            same->keys << c.key;
            same->names << c.label;
            if (c.baseline && !same->record.baseline) {
                same->record = c;
                same->keys.move(same->keys.size() - 1, 0);
                same->names.move(same->names.size() - 1, 0);
            }
            continue;
        }
        m_points.push_back(Point{c, {c.key}, {c.label}, false, false});
    }
    QVector<EvaluatedConfig> records;
    QVector<bool> eligible;
    for (Point& p : m_points) {
        p.worse = m_meanImage.notBeatenBy(p.record, m_metric);
        records << p.record;
        eligible << !p.worse;
    }
    const QVector<bool> front = EvaluatedConfigs::paretoFlagsOf(records, m_metric, eligible);
    for (int i = 0; i < m_points.size(); ++i) m_points[i].front = front[i];

    QVector<ErrorBarsItem::Bar> labelled, plain;
    double xmin = std::numeric_limits<double>::max(), xmax = 0;
    double ymin = std::numeric_limits<double>::max(), ymax = -std::numeric_limits<double>::max();
    const auto extend = [&](const EvaluatedConfig& c) {
        const Estimate& e = c.metric(m_metric);
        if (!std::isfinite(plotY(e.mean))) return false;
        xmin = std::min(xmin, kib(c.bytes));
        xmax = std::max(xmax, kib(c.bytes));
        for (double v : {e.mean, e.lo, e.hi})
            if (std::isfinite(plotY(v))) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
        return true;
    };
    QVector<QPointF> frontLine;
    QVector<ErrorBarsItem::Bar> currentBar, pinnedBar;
    for (const Point& p : m_points) {
        const EvaluatedConfig& c = p.record;
        if (!extend(c)) continue;
        const QPointF pt = plotPoint(c);
        const int method = std::clamp(static_cast<int>(c.config.latent.method), 0, 3);
        (p.worse ? worsePoints : methodPoints[method]) << pt;
        if (p.front) {
            frontPoints << pt;
            frontLine << pt;
        }
        const bool isPinned = p.keys.contains(m_pinnedKey) && !m_pinnedKey.isEmpty();
        if (isPinned) pinnedPoints << pt;
        if (p.keys.contains(currentKey)) continue;  // drawn once, as the current one, below
        const Estimate& e = c.metric(m_metric);
        const QColor color = p.worse ? kWorseColor : p.front ? kFrontColor : kMethodColors[method];
        ErrorBarsItem::Bar bar{pt, plotY(e.lo), plotY(e.hi), color, QString(), false};
        // Named on the chart: A and the front; everything else on hover.
        if (isPinned) {
            bar.label = tr("A: %1").arg(p.names.join(QStringLiteral(" = ")));
            pinnedBar << bar;
        } else if (p.front) {
            bar.label = p.names.join(QStringLiteral(" = "));
            labelled << bar;
        } else {
            plain << bar;
        }
    }
    if (m_currentItem && extend(*m_currentItem)) {
        const Estimate& e = m_currentItem->metric(m_metric);
        const QPointF pt = plotPoint(*m_currentItem);
        currentPoints << pt;
        const Point* p = pointFor(m_currentItem->key);
        QString name = p ? p->names.join(QStringLiteral(" = ")) : m_currentItem->label;
        if (p && p->keys.contains(m_pinnedKey) && !m_pinnedKey.isEmpty()) name = tr("A: %1").arg(name);
        currentBar << ErrorBarsItem::Bar{pt, plotY(e.lo), plotY(e.hi), kCurrentColor, name, !m_currentItem->complete};
    }
    // Labels are placed in this order: the current one first, then A, then the front by size.
    std::sort(labelled.begin(), labelled.end(), [](const ErrorBarsItem::Bar& a, const ErrorBarsItem::Bar& b) { return a.value.x() < b.value.x(); });
    std::sort(frontLine.begin(), frontLine.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    const auto replace = [](QXYSeries* series, const QList<QPointF>& points) {
        if (series->points() != points) series->replace(points);
    };
    for (int i = 0; i < m_methodSeries.size() && i < 4; ++i) replace(m_methodSeries[i], methodPoints[i]);
    replace(m_worse, worsePoints);
    replace(m_front, frontPoints);
    replace(m_current, currentPoints);
    replace(m_pinned, pinnedPoints);
    replace(m_frontLine, QList<QPointF>(frontLine.begin(), frontLine.end()));
    m_bars->setBars(currentBar + pinnedBar + labelled + plain);

    if (xmax <= 0) {
        setLogTicks(m_x, 10, 1000);
        setLogTicks(m_yLog, 1e-3, 1e-1);
        m_yLinear->setRange(0, 1);
    } else {
        setLogTicks(m_x, xmin / 1.6, xmax * 1.6);  // room left and right for the end points' names
        if (m_metric == Metric::Mse) {
            setLogTicks(m_yLog, ymin / 1.2, ymax * 1.5);  // room above for the top point's name
        } else {
            const double pad = std::max((ymax - ymin) * 0.1, m_metric == Metric::Ssim ? 0.005 : 0.05);
            m_yLinear->setRange(ymin - pad, ymax + pad);
            // About six steps of a round size.
            const double raw = (ymax - ymin + 2 * pad) / 6.0;
            const double mag = std::pow(10.0, std::floor(std::log10(raw)));
            const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
            m_yLinear->setTickInterval(step);
            m_yLinear->setTickAnchor(std::ceil((ymin - pad) / step) * step);
        }
    }
    const QString title = tr("%1 vs stored size · n = %2 · bars: 95 % CI").arg(metricTitle(m_metric)).arg(m_n);
    if (m_chart->title() != title) m_chart->setTitle(title);
}

}  // namespace pareto::ui
