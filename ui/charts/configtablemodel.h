// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/uiformat.h"

#include <QAbstractTableModel>

namespace pareto::ui {

class EvaluatedConfigs;

/// @brief The table of evaluated configurations (one row per configuration, numbers with
/// their CIs, Pareto flag for the chosen metric) over an EvaluatedConfigs store. Sort role
/// Qt::UserRole holds the plain number. UI thread only.
class ConfigTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// Ratio is the headline (vs the opened model's FP32); OwnRatio vs the configuration's own FP32.
    enum Column { Config, Source, Bytes, Ratio, OwnRatio, Bits, N, Mse, Psnr, Ssim, DeltaMse, Pareto, ColumnCount };

    explicit ConfigTableModel(EvaluatedConfigs* store, QObject* parent = nullptr);

    void setMetric(Metric m);
    void setCurrentKey(const QString& key);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// The configuration key of a row.
    QString keyAt(int row) const;

private:
    void reload();

    EvaluatedConfigs* m_store;
    Metric m_metric = Metric::Mse;
    QVector<bool> m_pareto;
    QString m_currentKey;
};

}  // namespace pareto::ui
