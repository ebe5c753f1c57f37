#include "charts/qualitychart.h"

#include "charts/errorbarsitem.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pareto::ui {
namespace {

double kib(qint64 bytes) { return static_cast<double>(bytes) / 1024.0; }

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
      m_x(new QLogValueAxis),
      m_yLinear(new QValueAxis),
      m_yLog(new QLogValueAxis) {
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
    m_current->setColor(QColor(0, 0, 0, 0));
    m_current->setBorderColor(kCurrentColor);
    m_current->setPen(QPen(kCurrentColor, 3));
    m_current->setMarkerSize(18);
    m_pinned->setName(tr("A (pinned)"));
    m_pinned->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_pinned->setColor(QColor(0, 0, 0, 0));
    m_pinned->setPen(QPen(kPinnedColor, 2.5));
    m_pinned->setMarkerSize(16);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{m_frontLine, m_points, m_front, m_pinned, m_current}) m_chart->addSeries(s);

    m_x->setBase(10);
    m_x->setTitleText(tr("stored size (KiB, log scale)"));
    m_x->setLabelFormat(QStringLiteral("%g"));
    m_x->setMinorTickCount(8);
    m_yLog->setBase(10);
    m_yLog->setLabelFormat(QStringLiteral("%.3g"));
    m_yLog->setMinorTickCount(8);
    m_yLinear->setLabelFormat(QStringLiteral("%.3g"));
    m_chart->addAxis(m_x, Qt::AlignBottom);
    for (QAbstractSeries* s : m_chart->series()) s->attachAxis(m_x);

    m_bars = new ErrorBarsItem(m_chart, Qt::Vertical);
    m_bars->setSeries(m_points);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { m_bars->refresh(); });
    for (QScatterSeries* s : {m_points, m_front, m_current, m_pinned})
        connect(s, &QScatterSeries::hovered, this, &QualityChart::hovered);
    connect(m_x, &QLogValueAxis::rangeChanged, this, [this] { m_bars->refresh(); });
    connect(m_yLog, &QLogValueAxis::rangeChanged, this, [this] { m_bars->refresh(); });
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
    want->setTitleText(metricTitle(m_metric) + (m_metric == Metric::Mse ? tr(" (log scale, lower is better)") : tr(" (higher is better)")));
    m_bars->setLogScale(true, m_metric == Metric::Mse);
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
        const double y = c.metric(m_metric).mean;
        if (!std::isfinite(y)) return;
        const double d = QLineF(at, m_chart->mapToPosition(QPointF(kib(c.bytes), y), m_points)).length();
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
        if (!std::isfinite(e.mean)) return false;
        xmin = std::min(xmin, kib(c.bytes));
        xmax = std::max(xmax, kib(c.bytes));
        for (double v : {e.mean, e.lo, e.hi})
            if (std::isfinite(v) && (m_metric != Metric::Mse || v > 0)) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
        return true;
    };
    QVector<QPointF> front;
    for (int i = 0; i < m_items.size(); ++i) {
        const EvaluatedConfig& c = m_items[i];
        if (!extend(c)) continue;
        const QPointF pt(kib(c.bytes), c.metric(m_metric).mean);
        const bool onFront = i < m_pareto.size() && m_pareto[i];
        (onFront ? m_front : m_points)->append(pt);
        if (onFront) front << pt;
        if (c.key == m_pinnedKey) m_pinned->append(pt);
        const Estimate& e = c.metric(m_metric);
        bars.push_back({pt, e.lo, e.hi, onFront ? kFrontColor : kPointColor, c.label, false});
    }
    if (m_currentItem && extend(*m_currentItem)) {
        const Estimate& e = m_currentItem->metric(m_metric);
        const QPointF pt(kib(m_currentItem->bytes), e.mean);
        m_current->append(pt);
        const bool plotted = std::any_of(m_items.begin(), m_items.end(), [&](const EvaluatedConfig& c) { return c.key == m_currentItem->key; });
        bars.push_back({pt, e.lo, e.hi, kCurrentColor, plotted ? QString() : m_currentItem->label, !m_currentItem->complete});
    }
    std::sort(front.begin(), front.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    m_frontLine->append(front);
    m_bars->setBars(bars);

    if (xmax <= 0) {
        m_x->setRange(1, 1000);
        m_yLog->setRange(1e-4, 1e-1);
        m_yLinear->setRange(0, 1);
    } else {
        m_x->setRange(xmin / 1.6, xmax * 1.6);
        if (m_metric == Metric::Mse) {
            m_yLog->setRange(ymin / 1.25, ymax * 1.25);
        } else {
            const double pad = std::max((ymax - ymin) * 0.08, 1e-3);
            m_yLinear->setRange(ymin - pad, ymax + pad);
        }
    }
    m_chart->setTitle(tr("%1 vs stored size · n = %2 held-out images · bars: 95 % CI").arg(metricTitle(m_metric)).arg(m_n));
}

}  // namespace pareto::ui
