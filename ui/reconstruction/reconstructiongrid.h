// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "reconstruction/previewresult.h"

#include <QWidget>

#include <optional>

namespace pareto::ui {

/// @brief The grid of held-out samples: for each, Original | FP32 | compressed | |error|
/// (plus A and A's error when a configuration is pinned), with per-image MSE/PSNR under each
/// reconstruction. Painted directly (no child widget per image) so a new preview costs one
/// paint. Samples flow into as many columns as the width allows, images as large as fits.
/// Click a sample to enlarge
/// it. UI thread only.
class ReconstructionGrid : public QWidget {
    Q_OBJECT
public:
    explicit ReconstructionGrid(QWidget* parent = nullptr);

    void setPreview(const PreviewResult& preview);
    void clear(const QString& message);
    /// Marks what is shown as belonging to earlier settings while a new preview is made.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }
    /// Image size in pixels; 0 (the default): as large as the space allows with every sample
    /// in view. Never below what the captions need.
    void setCellSize(int pixels);
    int cellSize() const { return m_cell; }
    /// The smallest image size at which every caption fits its image's width.
    int minimumCell() const;
    /// Height of the header and one row of samples at minimumCell(): the least worth showing.
    int minimumRowsHeight() const;

    const PreviewResult* preview() const { return m_preview ? &*m_preview : nullptr; }
    /// Data-set index of the sample under `pos`, or -1.
    int sampleAt(const QPoint& pos) const;
    /// Where sample `i` (position in the preview) is drawn, for tests.
    QRect sampleRect(int i) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

Q_SIGNALS:
    void sampleClicked(int index);
    /// The preview of `generation` has been painted, all of it (`complete`) or its first image
    /// with the others pending (the interaction benchmark's stop watch).
    void painted(quint64 generation, bool complete);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int columnsPerSample() const;
    int groupWidth() const;
    int groupsPerRow(int width) const;
    int rowHeight() const;
    int headerHeight() const;
    int captionHeight() const;
    /// Picks the image size: the one asked for, or the largest (from minimumCell() up to
    /// 320 px) at which every sample fits the visible area; where that is small, up to
    /// 160 px with the first row in view and the rest scrolling.
    void relayout();
    QRect badgeRect() const;

    std::optional<PreviewResult> m_preview;
    QString m_message;
    bool m_stale = false;
    int m_cell = 96;
    int m_fixedCell = 0;
};

}  // namespace pareto::ui
