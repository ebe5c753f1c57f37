// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/reconstructionpanel.h"

#include "reconstruction/colorscalelegend.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/zoomdialog.h"
#include "session/studiocontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include "common/flowlayout.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pareto::ui {

ReconstructionPanel::ReconstructionPanel(QWidget* parent)
    : QWidget(parent),
      m_mode(new QComboBox(this)),
      m_count(new QSpinBox(this)),
      m_reference(new QComboBox(this)),
      m_lock(new QCheckBox(tr("Lock scale"), this)),
      m_size(new QComboBox(this)),
      m_pin(new QPushButton(tr("Pin as A"), this)),
      m_unpin(new QPushButton(tr("Clear A"), this)),
      m_description(new QLabel(this)),
      m_grid(new ReconstructionGrid),
      m_legend(new ColorScaleLegend(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new FlowLayout;  // wraps on a narrow window instead of widening it
    m_mode->addItem(tr("First"), static_cast<int>(SampleMode::First));
    m_mode->addItem(tr("Worst by ΔMSE"), static_cast<int>(SampleMode::WorstByDelta));
    m_mode->setToolTip(tr("Worst: the held-out images whose MSE rose most vs FP32 under the measured configuration"));
    m_count->setRange(1, 32);
    m_count->setValue(8);
    m_count->setSuffix(tr(" images"));
    m_reference->addItem(tr("|error| vs original"), static_cast<int>(ErrorReference::Original));
    m_reference->addItem(tr("|Δ| vs FP32 output"), static_cast<int>(ErrorReference::Baseline));
    m_reference->setToolTip(tr("vs original: the error the user gets; vs FP32: what compression alone changed"));
    m_lock->setToolTip(tr("Keep the current colour scale while you change the configuration, so colours stay comparable"));
    m_size->setObjectName(QStringLiteral("imageSizeBox"));
    m_size->addItem(tr("Fit"), 0);
    for (int px : {64, 96, 128, 192, 256}) m_size->addItem(tr("%1 px").arg(px), px);
    m_size->setToolTip(tr("Image size: Fit makes them as large as the space allows with every sample in view"));
    m_pin->setObjectName(QStringLiteral("pinButton"));
    m_pin->setToolTip(tr("Pin the current configuration as A to compare it with the next ones"));
    bar->addWidget(new QLabel(tr("Show"), this));
    bar->addWidget(m_mode);
    bar->addWidget(m_count);
    bar->addWidget(m_reference);
    bar->addWidget(m_lock);
    bar->addWidget(m_size);
    bar->addStretch();
    bar->addWidget(m_pin);
    bar->addWidget(m_unpin);
    layout->addLayout(bar);
    m_description->setStyleSheet(QStringLiteral("color:#555"));
    m_description->setWordWrap(true);
    layout->addWidget(m_description);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_grid);
    // At least one row of samples stays in view; on a short screen the work area scrolls instead.
    scroll->setMinimumHeight(m_grid->minimumRowsHeight());
    layout->addWidget(scroll, 1);
    layout->addWidget(m_legend);
    m_legend->setScale(0, tr("|error| colour scale"), false);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &ReconstructionPanel::applySelection);
    connect(m_count, &QSpinBox::valueChanged, this, &ReconstructionPanel::applySelection);
    connect(m_grid, &ReconstructionGrid::sampleClicked, this, &ReconstructionPanel::enlarge);
    connect(m_size, &QComboBox::currentIndexChanged, this, [this] { m_grid->setCellSize(m_size->currentData().toInt()); });
    refreshPin();
}

void ReconstructionPanel::setController(StudioController* c) {
    m_controller = c;
    connect(m_reference, &QComboBox::currentIndexChanged, c,
            [this] { m_controller->setErrorReference(static_cast<ErrorReference>(m_reference->currentData().toInt())); });
    connect(m_lock, &QCheckBox::toggled, c, &StudioController::setScaleLocked);
    connect(m_pin, &QPushButton::clicked, c, &StudioController::pinCurrent);
    connect(m_unpin, &QPushButton::clicked, c, &StudioController::clearPin);
    connect(c, &StudioController::previewRequested, this, [this] { m_grid->setStale(true); });
    // A latent model being made (a fold, a checkpoint, a student): what is shown is of earlier settings.
    connect(c, &StudioController::configChanged, this, [this] {
        if (m_controller->latentPending()) m_grid->setStale(true);
    });
    connect(c, &StudioController::previewChanged, this, &ReconstructionPanel::refreshPreview);
    connect(c, &StudioController::sessionChanged, this, [this] {
        m_grid->clear(tr("Reconstructing…"));
        refreshPin();
    });
    for (auto sig : {&StudioController::pinnedChanged, &StudioController::metricsChanged, &StudioController::configChanged})
        connect(c, sig, this, &ReconstructionPanel::refreshPin);
    connect(c, &StudioController::metricsChanged, this, [this] { m_description->setText(description()); });
}

QString ReconstructionPanel::description() const { return m_controller ? m_controller->sampleDescription() : QString(); }

void ReconstructionPanel::applySelection() {
    if (!m_controller) return;
    SampleSelection s;
    s.mode = static_cast<SampleMode>(m_mode->currentData().toInt());
    s.count = m_count->value();
    m_controller->setSampleSelection(s);
    m_description->setText(description());
}

void ReconstructionPanel::refreshPreview() {
    m_description->setText(description());
    if (const PreviewResult* p = m_controller->preview()) {
        m_grid->setPreview(*p);
        const QString what = p->reference == ErrorReference::Original ? tr("|error| vs original, mean over channels")
                                                                      : tr("|Δ| vs FP32 output, mean over channels");
        m_legend->setScale(p->errorScale, what, m_controller->scaleLocked());
        if (m_zoom && m_zoom->isVisible()) m_zoom->updatePreview(*p);
    } else if (!m_controller->previewError().isEmpty()) {
        m_grid->clear(m_controller->previewError());
    }
}

void ReconstructionPanel::refreshPin() {
    const bool can = m_controller && m_controller->canPin();
    m_pin->setEnabled(can);
    m_pin->setToolTip(can ? tr("Pin the current configuration as A to compare it with the next ones")
                          : tr("Available once the current configuration's held-out metrics are complete"));
    m_unpin->setEnabled(m_controller && m_controller->pinned());
}

void ReconstructionPanel::enlarge(int index) {
    if (!m_controller || !m_controller->lastPreview()) return;
    if (!m_zoom) m_zoom = new ZoomDialog(this);
    m_zoom->showSample(*m_controller->lastPreview(), index);
    m_zoom->show();
    m_zoom->raise();
}

}  // namespace pareto::ui
