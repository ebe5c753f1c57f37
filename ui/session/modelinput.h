// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a model that does not describe itself (TorchScript) is fed: its input shape and value
// ranges, as the Data panel sets them and `--input-shape/--input-range/--output-range` do.

#include <QString>
#include <QVector>

#include <optional>

namespace pareto::ui {

/// @brief The Data panel's model-input settings. Plain value. Built-in architectures know
/// their own and ignore it.
struct ModelInput {
    QVector<qint64> shape;  ///< [C, H, W]; empty: the data's shape if the model runs on it, else a probe
    double inputLo = 0.0, inputHi = 1.0;
    double outputLo = 0.0, outputHi = 1.0;

    bool operator==(const ModelInput& o) const {
        return shape == o.shape && inputLo == o.inputLo && inputHi == o.inputHi && outputLo == o.outputLo && outputHi == o.outputHi;
    }
    bool operator!=(const ModelInput& o) const { return !(*this == o); }

    /// "C,H,W" (or "CxHxW") -> [C, H, W]; "" -> empty (automatic); nullopt when malformed.
    static std::optional<QVector<qint64>> parseShape(const QString& text);
};

}  // namespace pareto::ui
