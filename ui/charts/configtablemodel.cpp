// SPDX-License-Identifier: Apache-2.0
#include "charts/configtablemodel.h"

#include "session/evaluatedconfigs.h"
#include "session/ratiotext.h"

#include <QBrush>
#include <QFont>
#include <QLocale>

namespace pareto::ui {

ConfigTableModel::ConfigTableModel(EvaluatedConfigs* store, QObject* parent) : QAbstractTableModel(parent), m_store(store) {
    connect(store, &EvaluatedConfigs::changed, this, &ConfigTableModel::reload);
    reload();
}

void ConfigTableModel::reload() {
    beginResetModel();
    m_pareto = m_store->paretoFlags(m_metric);
    endResetModel();
}

void ConfigTableModel::setMetric(Metric m) {
    m_metric = m;
    reload();
}

void ConfigTableModel::setCurrentKey(const QString& key) {
    if (key == m_currentKey) return;
    m_currentKey = key;
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::FontRole});
}

int ConfigTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_store->size(); }
int ConfigTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ConfigTableModel::keyAt(int row) const { return row >= 0 && row < m_store->size() ? m_store->all()[row].key : QString(); }

QVariant ConfigTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Config: return tr("Configuration");
    case Source: return tr("Source");
    case Bytes: return tr("Bytes");
    case Ratio: return tr("× smaller (vs original FP32)");
    case OwnRatio: return tr("× vs own FP32");
    case Bits: return tr("Bits/param");
    case N: return tr("n");
    case Mse: return tr("MSE [95 % CI]");
    case Psnr: return tr("PSNR dB [95 % CI]");
    case Ssim: return tr("SSIM [95 % CI]");
    case DeltaMse: return tr("ΔMSE vs FP32 [95 % CI]");
    case Pareto: return tr("Pareto (%1)").arg(metricTitle(m_metric));
    }
    return {};
}

QVariant ConfigTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_store->size()) return {};
    const EvaluatedConfig& c = m_store->all()[index.row()];
    const bool front = index.row() < m_pareto.size() && m_pareto[index.row()];
    if (role == Qt::FontRole && c.key == m_currentKey) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::BackgroundRole && front) return QBrush(QColor(224, 242, 241));
    if (role == Qt::TextAlignmentRole && index.column() >= Bytes && index.column() <= N)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Config: return c.label;
        case Source: return c.source;
        case Bytes: return c.bytes;
        case Ratio: return c.ratioVsOriginal();
        case OwnRatio: return c.ratio;
        case Bits: return c.bitsPerParam;
        case N: return c.n;
        case Mse: return c.mse.mean;
        case Psnr: return c.psnr.mean;
        case Ssim: return c.ssim.mean;
        case DeltaMse: return c.deltaMse.estimate.mean;
        case Pareto: return front ? 1 : 0;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Ratio) return ratioText(c);
    if (role == Qt::ToolTipRole && index.column() == OwnRatio)
        return tr("vs this configuration's own FP32 model (%1): differs from the headline at another latent size").arg(formatBytes(c.fp32Bytes));
    if (role == Qt::ToolTipRole && index.column() == DeltaMse && !c.baseline)
        return c.deltaMse.significant ? tr("The 95 % CI excludes 0") : tr("The 95 % CI crosses 0: not significant");
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Config: return c.label;
    case Source: return c.source;
    case Bytes: return QLocale(QLocale::English).toString(c.bytes);
    case Ratio: return formatRatio(c.ratioVsOriginal());
    case OwnRatio: return formatRatio(c.ratio);
    case Bits: return QString::number(c.bitsPerParam, 'f', 2);
    case N: return c.n;
    case Mse: return formatEstimate(c.mse, 4);
    case Psnr: return formatEstimate(c.psnr, 4);
    case Ssim: return formatEstimate(c.ssim, 3);
    case DeltaMse: return c.baseline ? QStringLiteral("—") : formatDelta(c.deltaMse, 3, false) + (c.deltaMse.significant ? QString() : QStringLiteral(" n.s."));
    case Pareto: return front ? tr("yes") : QString();
    }
    return {};
}

}  // namespace pareto::ui
