// SPDX-License-Identifier: Apache-2.0
#include "charts/sensitivitychart.h"

#include "charts/errorbarsitem.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalStackedBarSeries>
#include <QFontMetrics>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace pareto::ui {

SensitivityChart::SensitivityChart(QWidget* parent)
    : QChartView(parent),
      m_chart(new QChart),
      m_series(new QHorizontalStackedBarSeries),
      m_significant(new QBarSet(tr("ΔMSE, significant"))),
      m_notSignificant(new QBarSet(tr("ΔMSE, CI crosses 0"))),
      m_categories(new QBarCategoryAxis),
      m_values(new QValueAxis) {
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing);
    m_chart->setMargins(QMargins(6, 6, 6, 6));
    m_significant->setColor(QColor(198, 40, 40));
    m_notSignificant->setColor(QColor(176, 190, 197));
    m_series->append(m_significant);
    m_series->append(m_notSignificant);
    m_series->setBarWidth(0.7);
    m_chart->addSeries(m_series);
    m_categories->setTruncateLabels(false);  // layer names are the point of this chart
    m_chart->addAxis(m_categories, Qt::AlignLeft);
    m_chart->addAxis(m_values, Qt::AlignBottom);
    m_series->attachAxis(m_categories);
    m_series->attachAxis(m_values);
    m_values->setLabelFormat(QStringLiteral("%.2g"));
    m_values->setTickType(QValueAxis::TicksDynamic);
    m_values->setTitleText(tr("ΔMSE vs FP32, this layer alone quantized"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_bars = new ErrorBarsItem(m_chart, Qt::Horizontal);
    m_bars->setSeries(m_series);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { m_bars->refresh(); });
    connect(m_values, &QValueAxis::rangeChanged, this, [this] { m_bars->refresh(); });
    setResult(nullptr, tr("Press “Layer sensitivity” to measure each layer quantized alone with the current scheme."));
}

void SensitivityChart::setResult(const SensitivityResult* r, const QString& hint) {
    m_significant->remove(0, m_significant->count());
    m_notSignificant->remove(0, m_notSignificant->count());
    m_categories->clear();
    QVector<ErrorBarsItem::Bar> bars;
    m_layers = r ? r->layers.size() : 0;
    if (!r || r->layers.isEmpty()) {
        m_chart->setTitle(hint);
        m_values->setRange(0, 1);
        m_bars->setBars({});
        setMinimumHeight(200);
        return;
    }
    // Categories go bottom-up: reverse so the layer that hurts most is at the top.
    QStringList names;
    double lo = 0, hi = 0;
    for (int i = r->layers.size() - 1; i >= 0; --i) {
        const SensitivityLayer& l = r->layers[i];
        const int row = names.size();
        names << l.name;
        const double v = l.deltaMse.estimate.mean;
        m_significant->append(l.deltaMse.significant ? v : 0.0);
        m_notSignificant->append(l.deltaMse.significant ? 0.0 : v);
        bars.push_back({QPointF(v, row), l.deltaMse.estimate.lo, l.deltaMse.estimate.hi, QColor(40, 40, 40), QString(), false});
        for (double x : {v, l.deltaMse.estimate.lo, l.deltaMse.estimate.hi})
            if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
    }
    m_categories->append(names);
    // Every bar keeps its name: the axis leaves out labels that would overlap, so the chart
    // grows with the layers (its tab scrolls) rather than squeezing them.
    setMinimumHeight(static_cast<int>(names.size()) * (QFontMetrics(m_categories->labelsFont()).height() + 8) + 150);
    const double pad = std::max((hi - lo) * 0.06, 1e-9);
    const double a = lo - (lo < 0 ? pad : 0), b = hi + pad;
    m_values->setRange(a, b);
    // About five steps of a round size, one of them at 0.
    const double raw = (b - a) / 5.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
    m_values->setTickAnchor(0.0);
    m_values->setTickInterval(step);
    m_values->setLabelFormat(step < 1e-3 || step >= 1e4 ? QStringLiteral("%.1e") : QStringLiteral("%g"));
    m_bars->setBars(bars);
    m_chart->setTitle(tr("Per-layer sensitivity to %1 · n = %2 calibration images · FP32 MSE %3")
                          .arg(r->scheme)
                          .arg(r->n)
                          .arg(r->fp32Mse.mean, 0, 'g', 4));
}

}  // namespace pareto::ui
