// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "reconstruction/previewresult.h"

#include <QDialog>
#include <QSize>
#include <QVector>

class QLabel;

namespace pareto::ui {

class ZoomImageView;
class ZoomState;

/// @brief One held-out image enlarged: Original | FP32 | compressed | |error| (and A with
/// its error when pinned), zoomed and panned together. Non-modal; follows the preview as the
/// sliders move, as long as the image is still in the grid. UI thread only.
class ZoomDialog : public QDialog {
    Q_OBJECT
public:
    explicit ZoomDialog(QWidget* parent = nullptr);

    /// Shows data-set image `index` of `preview` (no-op when it is not in it).
    void showSample(const PreviewResult& preview, int index);
    /// Refreshes from a newer preview, keeping the zoom.
    void updatePreview(const PreviewResult& preview);

    int sampleIndex() const { return m_index; }
    ZoomState* zoomState() const { return m_state; }
    const QVector<ZoomImageView*>& views() const { return m_views; }

private:
    void fill(const PreviewResult& preview, const PreviewSample& sample);
    void fitViewsTo(const QSize& image);

    ZoomState* m_state;
    QVector<ZoomImageView*> m_views;
    QLabel* m_header;
    int m_index = -1;
    QSize m_fitted;  ///< the image size the views were last sized for
};

}  // namespace pareto::ui
