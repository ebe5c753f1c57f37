#pragma once

#include "controls/bitwidthstops.h"
#include "latent/latentoptions.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace pareto::ui {

class LabeledSlider;
class StudioController;

/// @brief The Controls panel: the bit-width slider (FP32, FP16, BF16, INT8 … INT2, NF4,
/// ternary) with granularity, group size, symmetric/asymmetric and clip method, mapped to a
/// core QuantScheme; and the latent slider (method + k) fed by the controller's
/// LatentOptions. Every change goes straight to the controller. UI thread only.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    QuantScheme scheme() const;
    /// Sets every widget from `scheme` and applies it.
    void setScheme(const QuantScheme& scheme);
    LatentChoice latentChoice() const;

    QSlider* bitWidthSlider() const;
    QSlider* latentSlider() const;
    QComboBox* granularityBox() const { return m_granularity; }
    QComboBox* latentMethodBox() const { return m_method; }

Q_SIGNALS:
    void schemeChanged(const pareto::QuantScheme& scheme);
    void latentChoiceChanged(const pareto::ui::LatentChoice& choice);

private:
    void emitScheme();
    void refreshLabels();
    void updateEnabled();
    void setLatentOptions(const LatentOptions& options, const LatentChoice& current);
    void methodChanged();

    StudioController* m_controller = nullptr;
    LabeledSlider* m_bits;
    QLabel* m_schemeTitle;
    QLabel* m_schemeText;
    QComboBox* m_granularity;
    QComboBox* m_groupSize;
    QComboBox* m_range;
    QComboBox* m_clip;
    QDoubleSpinBox* m_percentile;
    QComboBox* m_method;
    LabeledSlider* m_latent;
    QLabel* m_latentText;
    LatentOptions m_latentOptions;
    bool m_updating = false;
};

}  // namespace pareto::ui
