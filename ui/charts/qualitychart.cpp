#include "charts/qualitychart.h"

#include "charts/errorbarsitem.h"

#include <QCategoryAxis>
#include <QLineSeries>
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
void setLogTicks(QCategoryAxis* axis, double lo, double hi) {
    for (const QString& l : axis->categoriesLabels()) axis->remove(l);
    const double a = std::log10(lo), b = std::log10(hi);
    axis->setStartValue(a);
    axis->setRange(a, b);
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
    for (double v : t) {
        const QString l = tickLabel(v);
        if (used.contains(l)) continue;  // labels must be unique
        used << l;
        axis->append(l, std::log10(v));
    }
}

const QColor kPointColor(90, 110, 140);
const QColor kFrontColor(0, 121, 107);
const QColor kCurrentColor(214, 96, 0);
const QColor kPinnedColor(123, 31, 162);

}  // namespace

QualityChart::QualityChart(QWidget* parent)
    : QChartView(parent),
      m_chart(new QChart),
      m_points(new QScatterSeries),
      m_front(new QScatterSeries),
      m_current(new QScatterSeries),
      m_pinned(new QScatterSeries),
      m_frontLine(new QLineSeries),
      m_x(new QCategoryAxis),
      m_yLinear(new QValueAxis),
      m_yLog(new QCategoryAxis) {
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing);
    m_chart->setMargins(QMargins(6, 6, 6, 6));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_points->setName(tr("evaluated"));
    m_points->setColor(kPointColor);
    m_points->setMarkerSize(9);
    m_front->setName(tr("on the Pareto front"));
    m_front->setColor(kFrontColor);
    m_front->setMarkerSize(11);
    m_frontLine->setName(tr("Pareto front"));
    m_frontLine->setPen(QPen(kFrontColor, 1.6, Qt::DashLine));
    m_current->setName(tr("current"));
    m_current->setColor(QColor(214, 96, 0, 70));
    m_current->setBorderColor(kCurrentColor);
    m_current->setPen(QPen(kCurrentColor, 3));
    m_current->setMarkerSize(18);
    m_pinned->setName(tr("A (pinned)"));
    m_pinned->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_pinned->setColor(QColor(123, 31, 162, 60));
    m_pinned->setPen(QPen(kPinnedColor, 2.5));
    m_pinned->setMarkerSize(16);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{m_frontLine, m_points, m_front, m_pinned, m_current}) m_chart->addSeries(s);

    m_x->setTitleText(tr("stored size (KiB, log scale)"));
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yLog->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yLinear->setLabelFormat(QStringLiteral("%.3g"));
    m_yLinear->setTickType(QValueAxis::TicksDynamic);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    for (QAbstractSeries* s : m_chart->series()) s->attachAxis(m_x);

    m_bars = new ErrorBarsItem(m_chart, Qt::Vertical);
    m_bars->setSeries(m_points);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { m_bars->refresh(); });
    for (QScatterSeries* s : {m_points, m_front, m_current, m_pinned})
        connect(s, &QScatterSeries::hovered, this, &QualityChart::hovered);
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
    want->setTitleText(metricTitle(m_metric) + (m_metric == Metric::Mse ? tr(", log scale") : QString()));
}

double QualityChart::plotY(double value) const {
    if (m_metric != Metric::Mse) return value;
    return value > 0 ? std::log10(value) : std::numeric_limits<double>::quiet_NaN();
}

QPointF QualityChart::plotPoint(const EvaluatedConfig& c) const {
    return {std::log10(std::max(1e-9, kib(c.bytes))), plotY(c.metric(m_metric).mean)};
}

void QualityChart::setData(const QVector<EvaluatedConfig>& all, const QVector<bool>& pareto, const EvaluatedConfig* current,
                           const QString& pinnedKey, qint64 n) {
    m_items = all;
    m_pareto = pareto;
    m_currentItem = current ? std::optional<EvaluatedConfig>(*current) : std::nullopt;
    m_pinnedKey = pinnedKey;
    m_n = n;
    rebuild();
}

QStringList QualityChart::frontKeys() const {
    QVector<int> idx;
    for (int i = 0; i < m_items.size(); ++i)
        if (i < m_pareto.size() && m_pareto[i]) idx << i;
    std::sort(idx.begin(), idx.end(), [this](int a, int b) { return m_items[a].bytes < m_items[b].bytes; });
    QStringList keys;
    for (int i : idx) keys << m_items[i].key;
    return keys;
}

QString QualityChart::tooltipText(const EvaluatedConfig& c, Metric m, bool pareto) {
    QString t = QStringLiteral("<b>%1</b>%2<br>").arg(c.label.toHtmlEscaped(), pareto ? tr(" · on the Pareto front") : QString());
    t += tr("%1 · %2× smaller · %3 bits/param<br>").arg(formatBytes(c.bytes)).arg(c.ratio, 0, 'f', 2).arg(c.bitsPerParam, 0, 'f', 2);
    t += tr("%1 %2<br>").arg(metricTitle(m), formatEstimate(c.metric(m), metricDigits(m)));
    if (!c.baseline) t += tr("Δ vs FP32 %1<br>").arg(formatDelta(c.delta(m), metricDigits(m)));
    t += c.complete ? tr("n = %1 · %2").arg(c.n).arg(c.source) : tr("measuring: n = %1 of %2").arg(c.n).arg(c.total);
    return t;
}

QString QualityChart::tooltipFor(const QString& key) const {
    for (int i = 0; i < m_items.size(); ++i)
        if (m_items[i].key == key) return tooltipText(m_items[i], m_metric, i < m_pareto.size() && m_pareto[i]);
    if (m_currentItem && m_currentItem->key == key) return tooltipText(*m_currentItem, m_metric, false);
    return {};
}

void QualityChart::hovered(const QPointF& point, bool state) {
    if (!state) {
        QToolTip::hideText();
        return;
    }
    // The nearest configuration to the hovered point, in screen space.
    const QPointF at = m_chart->mapToPosition(point, m_points);
    QString best;
    double bestD = std::numeric_limits<double>::max();
    const auto consider = [&](const EvaluatedConfig& c) {
        const QPointF pt = plotPoint(c);
        if (!std::isfinite(pt.y())) return;
        const double d = QLineF(at, m_chart->mapToPosition(pt, m_points)).length();
        if (d < bestD) bestD = d, best = c.key;
    };
    for (const auto& c : m_items) consider(c);
    if (m_currentItem) consider(*m_currentItem);
    if (!best.isEmpty()) QToolTip::showText(QCursor::pos(), tooltipFor(best), this);
}

void QualityChart::rebuild() {
    m_points->clear();
    m_front->clear();
    m_current->clear();
    m_pinned->clear();
    m_frontLine->clear();
    QVector<ErrorBarsItem::Bar> bars;
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
    const QString currentKey = m_currentItem ? m_currentItem->key : QString();
    QVector<QPointF> front;
    for (int i = 0; i < m_items.size(); ++i) {
        const EvaluatedConfig& c = m_items[i];
        if (!extend(c)) continue;
        const QPointF pt = plotPoint(c);
        const bool onFront = i < m_pareto.size() && m_pareto[i];
        (onFront ? m_front : m_points)->append(pt);
        if (onFront) front << pt;
        if (c.key == m_pinnedKey) m_pinned->append(pt);
        if (c.key == currentKey) continue;  // drawn once, as the current one, below
        const Estimate& e = c.metric(m_metric);
        bars.push_back({pt, plotY(e.lo), plotY(e.hi), onFront ? kFrontColor : kPointColor, c.label, false});
    }
    if (m_currentItem && extend(*m_currentItem)) {
        const Estimate& e = m_currentItem->metric(m_metric);
        const QPointF pt = plotPoint(*m_currentItem);
        m_current->append(pt);
        bars.push_back({pt, plotY(e.lo), plotY(e.hi), kCurrentColor, m_currentItem->label, !m_currentItem->complete});
    }
    std::sort(front.begin(), front.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    m_frontLine->append(front);
    m_bars->setBars(bars);

    if (xmax <= 0) {
        setLogTicks(m_x, 10, 1000);
        setLogTicks(m_yLog, 1e-3, 1e-1);
        m_yLinear->setRange(0, 1);
    } else {
        setLogTicks(m_x, xmin / 1.5, xmax * 1.5);
        if (m_metric == Metric::Mse) {
            setLogTicks(m_yLog, ymin / 1.15, ymax * 1.4);  // room above for the top point's name
        } else {
            const double pad = std::max((ymax - ymin) * 0.08, m_metric == Metric::Ssim ? 0.005 : 0.05);
            m_yLinear->setRange(ymin - pad, ymax + pad);
            // About six steps of a round size.
            const double raw = (ymax - ymin + 2 * pad) / 6.0;
            const double mag = std::pow(10.0, std::floor(std::log10(raw)));
            const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
            m_yLinear->setTickInterval(step);
            m_yLinear->setTickAnchor(std::ceil((ymin - pad) / step) * step);
        }
    }
    m_chart->setTitle(tr("%1 vs stored size · n = %2 held-out images · bars: 95 % CI").arg(metricTitle(m_metric)).arg(m_n));
}

}  // namespace pareto::ui
