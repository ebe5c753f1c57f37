// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/zoomdialog.h"

#include "reconstruction/zoomimageview.h"
#include "reconstruction/zoomstate.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

#include <algorithm>

namespace pareto::ui {
namespace {

QString numbers(double mse, double psnr) {
    return QStringLiteral("MSE %1 · %2 dB").arg(mse, 0, 'g', 4).arg(psnr, 0, 'f', 2);
}

}  // namespace

ZoomDialog::ZoomDialog(QWidget* parent) : QDialog(parent), m_state(new ZoomState(this)), m_header(new QLabel(this)) {
    setWindowTitle(tr("Enlarged sample"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    auto* row = new QHBoxLayout;
    for (int i = 0; i < 6; ++i) {
        auto* v = new ZoomImageView(m_state, this);
        m_views.push_back(v);
        row->addWidget(v, 1);
    }
    layout->addLayout(row, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* reset = buttons->addButton(tr("Reset zoom"), QDialogButtonBox::ResetRole);
    connect(reset, &QPushButton::clicked, m_state, &ZoomState::reset);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto* hint = new QLabel(tr("Wheel: zoom · drag: pan · double-click: reset — all views move together"), this);
    hint->setStyleSheet(QStringLiteral("color:#555"));
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(hint, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);
    resize(1100, 420);
}

void ZoomDialog::showSample(const PreviewResult& preview, int index) {
    for (const auto& s : preview.samples) {
        if (s.index != index) continue;
        const bool newImage = index != m_index;
        m_index = index;
        if (s.original.size() != m_fitted) fitViewsTo(s.original.size());
        m_state->setImageSize(s.original.size());
        if (newImage) m_state->reset();
        fill(preview, s);
        return;
    }
}

// Zoom 1 fits the image to its view: views at least as large as the image show it at full
// resolution (224x224 and larger inputs stay legible), within the screen.
void ZoomDialog::fitViewsTo(const QSize& image) {
    const int fh = fontMetrics().height();
    const QSize need(std::max(160, image.width() + 8), std::max(190, image.height() + 2 * fh + 14));
    const QScreen* screen = this->screen();
    const QSize avail = screen ? screen->availableSize() : QSize(1920, 1080);
    const int perRow = 4;  // the pinned pair only appears with a pin
    const QSize capped(std::min(need.width(), (avail.width() - 60) / perRow), std::min(need.height(), avail.height() - 160));
    m_fitted = image;
    for (ZoomImageView* v : m_views) v->setMinimumSize(capped);
    resize(std::max(width(), perRow * (capped.width() + 8) + 30), std::max(height(), capped.height() + 4 * fh + 60));
}

void ZoomDialog::updatePreview(const PreviewResult& preview) {
    if (m_index < 0) return;
    for (const auto& s : preview.samples)
        if (s.index == m_index && !s.pending) return fill(preview, s);  // pending: the complete preview follows
}

void ZoomDialog::fill(const PreviewResult& p, const PreviewSample& s) {
    m_header->setText(tr("Held-out image #%1 (%2) · %3 · |error| scale 0 – %4")
                          .arg(s.index)
                          .arg(s.id, p.config.label())
                          .arg(p.errorScale, 0, 'g', 3));
    const QString err = p.reference == ErrorReference::Original ? tr("|error| vs original") : tr("|error| vs FP32");
    m_views[0]->setImage(s.original, tr("Original"), s.id);
    m_views[1]->setImage(s.baseline, tr("FP32"), numbers(s.baselineMse, s.baselinePsnr));
    m_views[2]->setImage(s.compressed, p.config.label(), numbers(s.compressedMse, s.compressedPsnr));
    m_views[3]->setImage(s.error, err, tr("max %1").arg(s.maxError, 0, 'g', 3));
    const bool pinned = !s.pinned.isNull();
    m_views[4]->setVisible(pinned);
    m_views[5]->setVisible(pinned);
    if (pinned) {
        m_views[4]->setImage(s.pinned, tr("A: %1").arg(p.pinnedLabel), numbers(s.pinnedMse, s.pinnedPsnr));
        m_views[5]->setImage(s.pinnedError, tr("A %1").arg(err), QString());
    }
}

}  // namespace pareto::ui
