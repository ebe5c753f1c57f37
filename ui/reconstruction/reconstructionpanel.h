// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace pareto::ui {

class ColorScaleLegend;
class ReconstructionGrid;
class StudioController;
class ZoomDialog;

/// @brief The Reconstructions panel: which images (first N or worst N by ΔMSE), what the
/// error map compares with, the shared colour scale (lockable, with its legend), pinning A,
/// the grid, and the enlarged view on click. UI thread only.
class ReconstructionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReconstructionPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    ReconstructionGrid* grid() const { return m_grid; }
    ColorScaleLegend* legend() const { return m_legend; }
    ZoomDialog* zoomDialog() const { return m_zoom; }
    QComboBox* modeBox() const { return m_mode; }
    QSpinBox* countBox() const { return m_count; }
    QComboBox* sizeBox() const { return m_size; }
    QPushButton* pinButton() const { return m_pin; }
    QPushButton* unpinButton() const { return m_unpin; }
    QString description() const;

    /// Opens the enlarged view of data-set image `index`.
    void enlarge(int index);

private:
    void applySelection();
    void refreshPreview();
    void refreshPin();

    StudioController* m_controller = nullptr;
    QComboBox* m_mode;
    QSpinBox* m_count;
    QComboBox* m_reference;
    QCheckBox* m_lock;
    QComboBox* m_size;
    QPushButton* m_pin;
    QPushButton* m_unpin;
    QLabel* m_description;
    ReconstructionGrid* m_grid;
    ColorScaleLegend* m_legend;
    ZoomDialog* m_zoom = nullptr;
};

}  // namespace pareto::ui
