// SPDX-License-Identifier: Apache-2.0
#include "charts/latentgridview.h"

#include "session/ratiotext.h"

#include "common/uiformat.h"
#include "reconstruction/heatmap.h"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace pareto::ui {
namespace {

constexpr int kTitleH = 22;
constexpr int kLegendW = 86;
constexpr int kMargin = 8;

QColor inkOn(const QColor& c) { return c.lightnessF() > 0.55 ? Qt::black : Qt::white; }

// 1-2-5 ticks covering [lo, hi] (positive), as on the quality chart's log axes.
QVector<double> logTicks(double lo, double hi) {
    QVector<double> out;
    for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi * 1.0001; decade *= 10.0)
        for (double m : {1.0, 2.0, 5.0})
            if (const double v = m * decade; v >= lo * 0.9999 && v <= hi * 1.0001) out << v;
    return out;
}

}  // namespace

LatentGridView::LatentGridView(QWidget* parent) : QWidget(parent), m_ramp(heatmapRamp()) {
    setMouseTracking(true);
    setObjectName(QStringLiteral("latentGridView"));
    setMessage(tr("Press “Run grid” to measure every latent row under every scheme."));
}

void LatentGridView::setResult(const LatentGridResult* result) {
    m_result.reset();
    if (result) m_result = *result;
    double lo = 0, hi = 0;
    bool any = false;
    if (m_result)
        for (const auto& c : m_result->cells) {
            if (!c.valid || !(c.mse.mean > 0)) continue;
            lo = any ? std::min(lo, c.mse.mean) : c.mse.mean;
            hi = any ? std::max(hi, c.mse.mean) : c.mse.mean;
            any = true;
        }
    m_logMin = any ? std::log10(lo) : 0.0;
    m_logMax = any ? std::log10(hi) : 1.0;
    if (m_logMax - m_logMin < 1e-9) m_logMax = m_logMin + 1e-9;
    updateGeometry();
    update();
}

void LatentGridView::setMessage(const QString& message) {
    m_message = message;
    update();
}

void LatentGridView::setCurrentKey(const QString& key) {
    if (key == m_currentKey) return;
    m_currentKey = key;
    update();
}

double LatentGridView::colorPosition(double mse) const {
    if (!(mse > 0)) return 0.0;
    return std::clamp((std::log10(mse) - m_logMin) / (m_logMax - m_logMin), 0.0, 1.0);
}

LatentGridView::Geometry LatentGridView::geometry() const {
    Geometry g;
    if (!m_result || m_result->rows.isEmpty() || m_result->columns.isEmpty()) return g;
    const QFontMetrics fm = fontMetrics();
    int labelW = 0;
    for (const auto& r : m_result->rows) labelW = std::max(labelW, fm.horizontalAdvance(r.label));
    int colW = 0;
    for (const auto& c : m_result->columns) colW = std::max(colW, fm.horizontalAdvance(c));
    const int left = kMargin + labelW + 10;
    const int top = kTitleH + fm.height() + 10;
    const int cols = static_cast<int>(m_result->columns.size()), rows = static_cast<int>(m_result->rows.size());
    const int availW = width() - left - kLegendW - kMargin;
    const int availH = height() - top - kMargin;
    g.cellW = std::max({colW + 10, fm.horizontalAdvance(QStringLiteral("0.00000")) + 14, availW / std::max(1, cols)});
    g.cellH = std::clamp(availH / std::max(1, rows), 2 * fm.height() + 10, 3 * fm.height() + 16);
    g.grid = QRect(left, top, g.cellW * cols, g.cellH * rows);
    g.legend = QRect(g.grid.right() + 26, top, 16, std::max(g.grid.height(), 120));
    return g;
}

QSize LatentGridView::sizeHint() const { return {900, 420}; }

QSize LatentGridView::minimumSizeHint() const {
    if (!m_result) return {300, 160};
    const QFontMetrics fm = fontMetrics();
    return {300, kTitleH + fm.height() + 10 + static_cast<int>(m_result->rows.size()) * (2 * fm.height() + 10) + kMargin};
}

QPoint LatentGridView::cellAt(const QPoint& pos) const {
    const Geometry g = geometry();
    if (!g.grid.contains(pos) || g.cellW <= 0 || g.cellH <= 0) return {-1, -1};
    return {(pos.y() - g.grid.top()) / g.cellH, (pos.x() - g.grid.left()) / g.cellW};
}

QPoint LatentGridView::cellCenter(int row, int column) const {
    const Geometry g = geometry();
    return {g.grid.left() + column * g.cellW + g.cellW / 2, g.grid.top() + row * g.cellH + g.cellH / 2};
}

QString LatentGridView::tooltipFor(int row, int column) const {
    if (!m_result) return {};
    const LatentGridCell* c = m_result->cell(row, column);
    if (!c) return {};
    const LatentGridRow& r = m_result->rows[row];
    QString t = QStringLiteral("<b>%1</b><br>").arg(c->config.label().toHtmlEscaped());
    t += tr("%1 stored · %2 · %3 bits/param · %4 params<br>")
             .arg(formatBytes(c->bytes), ratioText(c->bytes, m_result->originalFp32Bytes, c->fp32Bytes).toHtmlEscaped())
             .arg(c->bitsPerParam, 0, 'f', 2)
             .arg(c->params);
    t += tr("MSE %1<br>PSNR %2 dB · SSIM %3<br>")
             .arg(formatEstimate(c->mse, 4), formatEstimate(c->psnr, 4), formatEstimate(c->ssim, 3));
    if (c->reference) t += tr("the reference: the original model in FP32<br>");
    else t += tr("ΔMSE vs the original FP32 (paired): %1<br>").arg(formatDelta(c->deltaMse, 3));
    t += tr("n = %1 held-out images, 95 % bootstrap CIs").arg(m_result->n);
    if (!std::isnan(r.explainedVariance)) t += tr("<br>PCA keeps %1 % of mu's variance").arg(100.0 * r.explainedVariance, 0, 'f', 1);
    if (c->pareto) t += tr("<br>★ on the Pareto front over (bytes, MSE) of the whole grid");
    if (c->untrained) t += tr("<br>⚠ not clearly better than predicting the mean image");
    t += tr("<br><i>click to put it on the sliders</i>");
    return t;
}

void LatentGridView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    if (!m_result) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const Geometry g = geometry();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    const QString title = tr("Latent × bits: held-out MSE (n = %1, colour on a log scale) · ★ Pareto front over (bytes, MSE) · click a cell to put it on the sliders")
                              .arg(m_result->n);
    p.drawText(QRect(kMargin, 2, width() - 2 * kMargin, kTitleH), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(title, Qt::ElideRight, width() - 2 * kMargin));
    p.setFont(font());

    // Column and row labels.
    for (int c = 0; c < m_result->columns.size(); ++c)
        p.drawText(QRect(g.grid.left() + c * g.cellW, g.grid.top() - fm.height() - 6, g.cellW, fm.height() + 4), Qt::AlignCenter,
                   m_result->columns[c]);
    for (int r = 0; r < m_result->rows.size(); ++r)
        p.drawText(QRect(kMargin, g.grid.top() + r * g.cellH, g.grid.left() - kMargin - 8, g.cellH), Qt::AlignRight | Qt::AlignVCenter,
                   m_result->rows[r].label);

    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (int r = 0; r < m_result->rows.size(); ++r) {
        for (int c = 0; c < m_result->columns.size(); ++c) {
            const QRect cell(g.grid.left() + c * g.cellW, g.grid.top() + r * g.cellH, g.cellW, g.cellH);
            const LatentGridCell* x = m_result->cell(r, c);
            if (!x) {
                p.fillRect(cell.adjusted(1, 1, -1, -1), palette().color(QPalette::AlternateBase));
                p.setPen(palette().color(QPalette::PlaceholderText));
                p.drawText(cell, Qt::AlignCenter, tr("—"));
                continue;
            }
            const int idx = std::clamp(static_cast<int>(std::lround(colorPosition(x->mse.mean) * 255.0)), 0, 255);
            const QColor fill = m_ramp.pixelColor(idx, 0);
            p.fillRect(cell.adjusted(1, 1, -1, -1), fill);
            p.setPen(inkOn(fill));
            p.setFont(font());
            const QRect top = cell.adjusted(4, 3, -4, -cell.height() / 2);
            const QRect bottom = cell.adjusted(4, cell.height() / 2, -4, -3);
            p.drawText(top, Qt::AlignCenter, formatNumber(x->mse.mean, 3));
            p.setFont(small);
            p.drawText(bottom, Qt::AlignCenter, formatBytesShort(x->bytes));
            if (x->pareto) {
                p.setPen(QPen(QColor(0x00, 0xc8, 0x8c), 3));
                p.drawRect(cell.adjusted(2, 2, -3, -3));
                p.setPen(inkOn(fill));
                p.drawText(cell.adjusted(3, 1, -3, -1), Qt::AlignTop | Qt::AlignLeft, QStringLiteral("★"));
            }
            if (x->untrained) {
                p.setPen(inkOn(fill));
                p.drawText(cell.adjusted(3, 1, -4, -1), Qt::AlignTop | Qt::AlignRight, QStringLiteral("⚠"));
            }
            if (x->config.key() == m_currentKey) {
                p.setPen(QPen(palette().color(QPalette::Highlight), 2, Qt::DashLine));
                p.drawRect(cell.adjusted(5, 5, -6, -6));
            }
        }
    }
    p.setFont(font());
    paintLegend(p, g.legend);
}

void LatentGridView::paintLegend(QPainter& p, const QRect& bar) const {
    if (bar.isEmpty()) return;
    const QFontMetrics fm = fontMetrics();
    // The ramp runs bottom (small MSE, dark) to top (large MSE, bright).
    QImage vertical(1, 256, QImage::Format_RGB888);
    for (int i = 0; i < 256; ++i) vertical.setPixelColor(0, 255 - i, m_ramp.pixelColor(i, 0));
    p.drawImage(bar, vertical);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(bar.left() - 20, bar.top() - fm.height() - 6, kLegendW, fm.height()), Qt::AlignLeft, tr("MSE"));
    const double lo = std::pow(10.0, m_logMin), hi = std::pow(10.0, m_logMax);
    QVector<double> ticks = logTicks(lo, hi);
    if (ticks.size() < 2) ticks = {lo, hi};
    for (double v : ticks) {
        const int y = bar.bottom() - static_cast<int>(std::lround(colorPosition(v) * bar.height()));
        p.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        p.drawText(QRect(bar.right() + 6, y - fm.height() / 2, kLegendW, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   formatNumber(v, 2));
    }
}

void LatentGridView::mouseReleaseEvent(QMouseEvent* e) {
    const QPoint c = cellAt(e->position().toPoint());
    if (e->button() != Qt::LeftButton || !m_result) return;
    if (const LatentGridCell* x = m_result->cell(c.x(), c.y())) Q_EMIT cellActivated(x->config);
}

bool LatentGridView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QPoint c = cellAt(help->pos());
        const QString tip = tooltipFor(c.x(), c.y());
        if (tip.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(e);
}

}  // namespace pareto::ui
