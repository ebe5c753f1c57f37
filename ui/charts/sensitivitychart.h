// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/sensitivityjob.h"

#include <QChartView>

class QBarCategoryAxis;
class QBarSet;
class QHorizontalStackedBarSeries;
class QValueAxis;

namespace pareto::ui {

class ErrorBarsItem;

/// @brief Per-layer sensitivity: ΔMSE vs FP32 when only that layer is quantized, one bar
/// per layer (largest harm at the top) with its 95 % CI; bars whose CI crosses 0 are drawn
/// in a separate colour. UI thread only.
class SensitivityChart : public QChartView {
    Q_OBJECT
public:
    explicit SensitivityChart(QWidget* parent = nullptr);

    /// Shows a result (null: the empty state with `hint`).
    void setResult(const SensitivityResult* result, const QString& hint = {});
    int barCount() const { return m_layers; }

private:
    QChart* m_chart;
    QHorizontalStackedBarSeries* m_series;
    QBarSet* m_significant;
    QBarSet* m_notSignificant;
    QBarCategoryAxis* m_categories;
    QValueAxis* m_values;
    ErrorBarsItem* m_bars;
    int m_layers = 0;
};

}  // namespace pareto::ui
