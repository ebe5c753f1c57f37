// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "controls/bitwidthstops.h"
#include "latent/latentoptions.h"
#include "session/studioconfig.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace pareto::ui {

class LabeledSlider;
class LatentControls;
class StudioController;

/// @brief The Controls panel: the bit-width slider (FP32, FP16, BF16, INT8 … INT2, NF4,
/// ternary) with granularity, group size, symmetric/asymmetric and clip method, mapped to a
/// core QuantScheme; and the latent group (LatentControls: method, k, seed, Distill) fed by
/// the controller's LatentOptions. Every change goes straight to the controller. UI thread only.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    QuantScheme scheme() const;
    /// Sets every widget from `scheme` and applies it.
    void setScheme(const QuantScheme& scheme);
    LatentChoice latentChoice() const;
    /// Puts a whole configuration (latent choice and scheme) on the sliders and applies it.
    void setConfig(const StudioConfig& config);
    LatentControls* latentControls() const { return m_latentControls; }

    QSlider* bitWidthSlider() const;
    QSlider* latentSlider() const;
    QComboBox* granularityBox() const { return m_granularity; }
    QComboBox* latentMethodBox() const;

Q_SIGNALS:
    void schemeChanged(const pareto::QuantScheme& scheme);

private:
    void emitScheme();
    void refreshLabels();
    void updateEnabled();

    StudioController* m_controller = nullptr;
    LabeledSlider* m_bits;
    QLabel* m_schemeTitle;
    QLabel* m_schemeText;
    QLabel* m_schemeCode;  // "scheme int4-g64", grey: plain labels, no rich-text layout per slider step
    QComboBox* m_granularity;
    QComboBox* m_groupSize;
    QComboBox* m_range;
    QComboBox* m_clip;
    QDoubleSpinBox* m_percentile;
    LatentControls* m_latentControls;
    bool m_updating = false;
};

}  // namespace pareto::ui
