// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "session/modelinput.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace pareto::ui {

class StudioController;

/// @brief The Data panel: which held-out images the session measures on (data spec,
/// split, limit), how a TorchScript model is fed (input shape, input and output value
/// ranges), and what was loaded (identity, n, conversions, mean-image source). Apply reloads
/// the data for the open model in the background, or reopens the model when its input
/// settings changed. UI thread only.
class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    QString spec() const;
    QString split() const;   ///< "" for the spec's default
    qint64 limit() const;    ///< -1 for all
    QString text() const;
    /// The model-input settings as entered (shape empty: automatic); nullopt when the shape is malformed.
    std::optional<ModelInput> modelInput() const;

private:
    void apply();
    void showSession();

    StudioController* m_controller = nullptr;
    QLineEdit* m_spec;
    QComboBox* m_split;
    QSpinBox* m_limit;
    QPushButton* m_apply;
    QLabel* m_info;
    QLineEdit* m_shape;
    QComboBox* m_inputRange;
    QComboBox* m_outputRange;
    QLabel* m_inputInfo;
};

}  // namespace pareto::ui
