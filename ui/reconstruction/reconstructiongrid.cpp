// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/reconstructiongrid.h"

#include "common/uiformat.h"

#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace pareto::ui {

namespace {

QRect fitRect(const QRect& cell, const QSize& image) {
    if (image.isEmpty()) return cell;
    const double scale = std::min(double(cell.width()) / image.width(), double(cell.height()) / image.height());
    // Whole multiples when the image is smaller than the cell: every source pixel the same size.
    const double s = scale >= 1.0 ? std::floor(scale) : scale;
    const QSize size(std::max(1, int(image.width() * s)), std::max(1, int(image.height() * s)));
    return QRect(cell.left() + (cell.width() - size.width()) / 2, cell.top() + (cell.height() - size.height()) / 2, size.width(),
                 size.height());
}

constexpr int kGap = 4;        // between the images of one sample
constexpr int kGroupGap = 22;  // between samples side by side
constexpr int kRowGap = 10;
constexpr int kMargin = 6;
constexpr int kMinCell = 64;   // the images' own size: never shrink them
constexpr int kMaxCell = 320;
constexpr int kScrollCell = 96;

QFont smallFont(const QFont& f) {
    QFont s = f;
    s.setPointSizeF(f.pointSizeF() * 0.85);
    return s;
}

}  // namespace

ReconstructionGrid::ReconstructionGrid(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setCursor(Qt::PointingHandCursor);
    m_message = tr("Waiting for a model…");
}

void ReconstructionGrid::setPreview(const PreviewResult& preview) {
    const bool reshape = !m_preview || m_preview->samples.size() != preview.samples.size() ||
                         m_preview->pinnedLabel.isEmpty() != preview.pinnedLabel.isEmpty();
    m_preview = preview;
    m_stale = preview.partial;  // the other images are still rendering
    m_message.clear();
    if (reshape) {
        relayout();
        updateGeometry();
    }
    update();
}

void ReconstructionGrid::clear(const QString& message) {
    m_preview.reset();
    m_message = message;
    updateGeometry();
    update();
}

void ReconstructionGrid::setStale(bool stale) {
    if (stale == m_stale) return;
    m_stale = stale;
    update(badgeRect());  // only the badge: the worker needs the cores more than a full repaint
}

QRect ReconstructionGrid::badgeRect() const {
    const int w = fontMetrics().horizontalAdvance(tr("updating…")) + 14;
    return {width() - w - 6, 2, w, fontMetrics().height() + 4};
}

int ReconstructionGrid::columnsPerSample() const { return m_preview && !m_preview->pinnedLabel.isEmpty() ? 6 : 4; }
int ReconstructionGrid::groupWidth() const { return columnsPerSample() * m_cell + (columnsPerSample() - 1) * kGap; }
int ReconstructionGrid::groupsPerRow(int width) const {
    return std::max(1, (width - 2 * kMargin + kGroupGap) / (groupWidth() + kGroupGap));
}
// Two lines: a long configuration name wraps rather than being cut.
int ReconstructionGrid::headerHeight() const { return 2 * fontMetrics().height() + 6; }

int ReconstructionGrid::minimumCell() const {
    // The widest captions formatCompact() writes, with room to spare.
    const QFontMetrics sfm(smallFont(font()));
    int w = 0;
    for (const QString& s : {QStringLiteral("MSE 1.23e-4"), QStringLiteral("100.00 dB"), QStringLiteral("Δ +1.23e-4"), QStringLiteral("max 0.123"),
                             QStringLiteral("#10000")})
        w = std::max(w, sfm.horizontalAdvance(s) + 6);
    return std::max(kMinCell, w);
}

int ReconstructionGrid::minimumRowsHeight() const { return 2 * kMargin + headerHeight() + minimumCell() + captionHeight() + kRowGap; }

void ReconstructionGrid::setCellSize(int pixels) {
    m_fixedCell = std::max(0, pixels);
    relayout();
    updateGeometry();
    update();
}
int ReconstructionGrid::captionHeight() const { return 2 * QFontMetrics(smallFont(font())).height() + 4; }
int ReconstructionGrid::rowHeight() const { return m_cell + captionHeight() + kRowGap; }

void ReconstructionGrid::resizeEvent(QResizeEvent*) { relayout(); }

void ReconstructionGrid::relayout() {
    const int n = m_preview ? std::max(1, static_cast<int>(m_preview->samples.size())) : 8;
    const int cols = columnsPerSample();
    const int visible = parentWidget() ? parentWidget()->height() : 0;
    const int minCell = minimumCell();
    if (m_fixedCell > 0) {
        const int cell = std::max(m_fixedCell, minCell);
        if (cell != m_cell) {
            m_cell = cell;
            updateGeometry();
            update();
        }
        return;
    }
    int best = 0;
    for (int g = 1; g <= std::min(n, 32); ++g) {
        const int byWidth = (width() - 2 * kMargin - (g - 1) * kGroupGap - g * (cols - 1) * kGap) / (g * cols);
        const int rows = (n + g - 1) / g;
        const int byHeight = visible > 0 ? (visible - 2 * kMargin - headerHeight() - rows * (captionHeight() + kRowGap)) / rows : byWidth;
        const int cell = std::min({byWidth, byHeight, kMaxCell});
        if (cell >= minCell) best = std::max(best, cell);
    }
    // Every sample in view only at small images (a short area): rather large images, the
    // first row in view and the rest a scroll away.
    if (best < kScrollCell + 16 && visible > 0) {
        // The row that shows the most picture (samples in it x image area), not one huge sample.
        double bestArea = 0;
        int rowCell = 0;
        for (int g = 1; g <= std::min(n, 32); ++g) {
            const int byWidth = (width() - 2 * kMargin - (g - 1) * kGroupGap - g * (cols - 1) * kGap) / (g * cols);
            const int byOneRow = visible - 2 * kMargin - headerHeight() - captionHeight() - kRowGap;
            const int cell = std::min({byWidth, byOneRow, kMaxCell / 2});
            const double area = double(g) * cell * cell;
            if (cell >= minCell && area > bestArea) bestArea = area, rowCell = cell;
        }
        best = std::max(best, rowCell);
    }
    const int cell = best > 0 ? best : std::clamp((width() - 2 * kMargin - (cols - 1) * kGap) / cols, minCell, std::max(minCell, kScrollCell));
    if (cell != m_cell) {
        m_cell = cell;
        updateGeometry();
        update();
    }
}

int ReconstructionGrid::heightForWidth(int width) const {
    const int n = m_preview ? m_preview->samples.size() : 0;
    if (n == 0) return 120;
    const int rows = (n + groupsPerRow(width) - 1) / groupsPerRow(width);
    return 2 * kMargin + headerHeight() + rows * rowHeight();
}

QSize ReconstructionGrid::sizeHint() const {
    const int w = 2 * kMargin + 2 * groupWidth() + kGroupGap;
    return {w, heightForWidth(w)};
}

QRect ReconstructionGrid::sampleRect(int i) const {
    const int per = groupsPerRow(width());
    const int gx = i % per, gy = i / per;
    return {kMargin + gx * (groupWidth() + kGroupGap), kMargin + headerHeight() + gy * rowHeight(), groupWidth(), rowHeight() - kRowGap};
}

int ReconstructionGrid::sampleAt(const QPoint& pos) const {
    if (!m_preview) return -1;
    for (int i = 0; i < m_preview->samples.size(); ++i)
        if (sampleRect(i).contains(pos)) return m_preview->samples[i].index;
    return -1;
}

void ReconstructionGrid::mousePressEvent(QMouseEvent* e) {
    const int idx = sampleAt(e->pos());
    if (idx >= 0) Q_EMIT sampleClicked(idx);
}

void ReconstructionGrid::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    const QRect dirty = event->rect();
    p.fillRect(dirty, palette().base());
    if (!m_preview || m_preview->samples.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message.isEmpty() ? tr("No images") : m_message);
        return;
    }
    const PreviewResult& r = *m_preview;
    const int cols = columnsPerSample();
    const QString err = r.reference == ErrorReference::Original ? tr("|error|") : tr("|Δ vs FP32|");
    QStringList titles{tr("Original"), tr("FP32"), r.config.label(), err};
    if (cols == 6) titles << tr("A: %1").arg(r.pinnedLabel) << tr("A %1").arg(err);

    // Column titles once per column of samples.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    const int per = std::min<int>(groupsPerRow(width()), r.samples.size());
    for (int g = 0; g < per; ++g) {
        const int x0 = kMargin + g * (groupWidth() + kGroupGap);
        for (int c = 0; c < cols; ++c) {
            const QRect t(x0 + c * (m_cell + kGap), kMargin, m_cell, headerHeight() - 4);
            // Wrapped over two lines; only a name longer than that is shortened (the tooltip of the panel has it whole).
            const QFontMetrics bfm(bold);
            const QString title = bfm.boundingRect(t, Qt::TextWordWrap, titles[c]).height() <= t.height() ? titles[c]
                                                                                                       : bfm.elidedText(titles[c], Qt::ElideMiddle, 2 * m_cell);
            p.drawText(t, Qt::AlignHCenter | Qt::AlignBottom | Qt::TextWordWrap, title);
        }
    }

    const QFont small = smallFont(font());
    const QFontMetrics sfm(small);
    p.setFont(small);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const auto caption = [&](const QRect& cell, int line, const QString& text, const QColor& colour) {
        p.setPen(colour);
        const QRect t(cell.left(), cell.bottom() + 2 + line * sfm.height(), cell.width(), sfm.height());
        p.drawText(t, Qt::AlignHCenter | Qt::AlignTop, sfm.elidedText(text, Qt::ElideRight, cell.width()));
    };
    const QColor text = palette().color(QPalette::WindowText);
    const QColor dim = palette().color(QPalette::PlaceholderText);
    for (int i = 0; i < r.samples.size(); ++i) {
        const PreviewSample& s = r.samples[i];
        const QRect box = sampleRect(i);
        if (!box.adjusted(0, 0, 0, kRowGap).intersects(dirty)) continue;
        const QImage* images[6] = {&s.original, &s.baseline, &s.compressed, &s.error, &s.pinned, &s.pinnedError};
        for (int c = 0; c < cols; ++c) {
            const QRect cell(box.left() + c * (m_cell + kGap), box.top(), m_cell, m_cell);
            // At the model's own resolution, scaled by whole steps of nearest-neighbour (no
            // smoothing: pixels stay sharp) and centred, so non-square inputs keep their aspect.
            // Images larger than the cell (224x224 models) are shrunk smoothly: nearest-neighbour
            // would drop whole rows and columns; the zoom dialog shows them at full resolution.
            if (s.pending && (c == 2 || c == 3)) {
                p.setPen(dim);
                p.drawText(cell, Qt::AlignCenter, QStringLiteral("…"));
            } else if (!images[c]->isNull()) {
                const QRect target = fitRect(cell, images[c]->size());
                p.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < images[c]->width());
                p.drawImage(target, *images[c]);
            }
            p.setPen(palette().color(QPalette::Mid));
            p.drawRect(cell.adjusted(0, 0, -1, -1));
        }
        const auto cellAt = [&](int c) { return QRect(box.left() + c * (m_cell + kGap), box.top(), m_cell, m_cell); };
        caption(cellAt(0), 0, QStringLiteral("#%1").arg(s.index), text);
        // Data sets name images "<file>#<i>": the index says it already; folders give file names.
        if (!s.id.contains(QLatin1Char('#'))) caption(cellAt(0), 1, s.id, dim);
        // Compact numbers: a caption fits its image at any size the grid picks (minimumCell()).
        caption(cellAt(1), 0, QStringLiteral("MSE %1").arg(formatCompact(s.baselineMse)), text);
        caption(cellAt(1), 1, QStringLiteral("%1 dB").arg(s.baselinePsnr, 0, 'f', 2), text);
        if (s.pending) {
            caption(cellAt(2), 0, QStringLiteral("MSE …"), dim);
            caption(cellAt(3), 0, QStringLiteral("Δ …"), dim);
        } else {
            caption(cellAt(2), 0, QStringLiteral("MSE %1").arg(formatCompact(s.compressedMse)), text);
            caption(cellAt(2), 1, QStringLiteral("%1 dB").arg(s.compressedPsnr, 0, 'f', 2), text);
            const double d = s.compressedMse - s.baselineMse;
            caption(cellAt(3), 0, QStringLiteral("Δ %1%2").arg(d > 0 ? QStringLiteral("+") : QString(), formatCompact(d)), text);
            caption(cellAt(3), 1, QStringLiteral("max %1").arg(formatCompact(s.maxError)), dim);
        }
        if (cols == 6) {
            caption(cellAt(4), 0, QStringLiteral("MSE %1").arg(formatCompact(s.pinnedMse)), text);
            caption(cellAt(4), 1, QStringLiteral("%1 dB").arg(s.pinnedPsnr, 0, 'f', 2), text);
        }
    }
    if (m_stale) {
        p.setFont(font());
        const QRect badge = badgeRect();
        p.fillRect(badge, QColor(255, 244, 200));
        p.setPen(QColor(120, 90, 0));
        p.drawText(badge, Qt::AlignCenter, tr("updating…"));
    }
    Q_EMIT painted(r.generation, !r.partial);
}

}  // namespace pareto::ui
