// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/latentgridjob.h"

#include <QImage>
#include <QWidget>

#include <optional>

namespace pareto::ui {

/// @brief The latent x bits grid as a heat map (custom painting): rows = latent method and
/// k, columns = schemes, colour = held-out MSE on a log scale (OpenCV "inferno", the
/// reconstructions' colour scale: dark = small error) with its legend; each cell shows MSE
/// and stored bytes, its tooltip the CIs, the paired delta vs the original FP32 model and
/// the size; Pareto-front cells are outlined and starred, the current configuration dashed.
/// Clicking a cell asks for that configuration. UI thread only.
class LatentGridView : public QWidget {
    Q_OBJECT
public:
    explicit LatentGridView(QWidget* parent = nullptr);

    void setResult(const LatentGridResult* result);
    const LatentGridResult* result() const { return m_result ? &*m_result : nullptr; }
    void setMessage(const QString& message);
    void setCurrentKey(const QString& key);

    /// The cell at a widget position: (row, column), or (-1, -1).
    QPoint cellAt(const QPoint& pos) const;
    /// The centre of a cell, for tests and tooltips.
    QPoint cellCenter(int row, int column) const;
    QString tooltipFor(int row, int column) const;
    /// MSE (log) mapped to the colour scale's 0..1.
    double colorPosition(double mse) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellActivated(const pareto::ui::StudioConfig& config);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Geometry {
        QRect grid;   ///< the cells
        int cellW = 0, cellH = 0;
        QRect legend;
    };
    Geometry geometry() const;
    void paintLegend(QPainter& p, const QRect& bar) const;

    std::optional<LatentGridResult> m_result;
    QString m_message;
    QString m_currentKey;
    QImage m_ramp;
    double m_logMin = 0, m_logMax = 1;
};

}  // namespace pareto::ui
