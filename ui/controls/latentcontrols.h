// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "latent/latentoptions.h"

#include <QGroupBox>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace pareto::ui {

class LabeledSlider;
class StudioController;

/// @brief The latent-dimension group of the Controls panel: the method (original, PCA,
/// trained, distilled), the k slider over the sizes the method offers, the seed of a trained
/// model, "Distill at k", and what the provider says about the choice (explained variance,
/// held-out MSE ± t-CI over seeds, gap recovered). Every change goes to the controller as a
/// LatentChoice. UI thread only.
class LatentControls : public QGroupBox {
    Q_OBJECT
public:
    explicit LatentControls(QWidget* parent = nullptr);

    void setController(StudioController* controller);
    LatentChoice choice() const;
    /// Puts `choice` on the widgets and asks for it (a chart, table or heat-map cell was activated).
    void setChoice(const LatentChoice& choice);

    QSlider* slider() const;
    QComboBox* methodBox() const { return m_method; }
    QComboBox* seedBox() const { return m_seed; }
    QSpinBox* distillKBox() const { return m_distillK; }
    QPushButton* distillButton() const { return m_distill; }
    /// The description shown under the slider (rich text).
    QString descriptionText() const;
    /// The one-line headline above the method (the choice and its key figure).
    QString headlineText() const;

Q_SIGNALS:
    void choiceChanged(const pareto::ui::LatentChoice& choice);

private:
    void setOptions(const LatentOptions& options, const LatentChoice& current);
    /// Fills the slider (and seeds) for the method in the combo, keeping `k` where it can.
    /// Sets the Distill box to the slider's k when that is below the model's latent size.
    void followSliderK();
    void showMethod(int k, int seed);
    void fillSeeds(int seed);
    void methodPicked();
    void emitChoice();
    void refreshText();

    StudioController* m_controller = nullptr;
    QComboBox* m_method;
    LabeledSlider* m_slider;
    QComboBox* m_seed;
    QLabel* m_seedLabel;
    QSpinBox* m_distillK;
    int m_distillForL = -1;  ///< the latent size the Distill box's default was set for
    QPushButton* m_distill;
    QLabel* m_headline;
    QLabel* m_text;
    LatentOptions m_options;
    bool m_updating = false;
};

}  // namespace pareto::ui
