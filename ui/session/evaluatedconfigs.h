// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/uiformat.h"
#include "session/evaluatedconfig.h"

#include <QObject>
#include <QVector>

namespace pareto::ui {

/// @brief Every configuration measured in the open session, with its Pareto flags.
///
/// Lives on the UI thread. The chart, the table, the CSV export and the report read it.
/// Only complete evaluations enter it. The front is core's paretoFront() over (bytes,
/// quality), quality negated where higher is better.
class EvaluatedConfigs : public QObject {
    Q_OBJECT
public:
    explicit EvaluatedConfigs(QObject* parent = nullptr);

    /// Adds a configuration or replaces the one with the same key. A record with per-image
    /// figures is not replaced by one without (a sweep row for a config already measured
    /// from the slider keeps the per-image data; the summaries are the same numbers).
    void upsert(const EvaluatedConfig& c);
    void clear();
    /// Removes every record but the opened model's FP32 baseline.
    void clearMeasured();
    /// The session's mean-image figures: records not better than it are never on the front.
    void setMeanImage(const MeanImageFigures& m) { m_meanImage = m; }
    const MeanImageFigures& meanImage() const { return m_meanImage; }

    const QVector<EvaluatedConfig>& all() const { return m_items; }
    int size() const { return m_items.size(); }
    /// nullptr when the key was not measured.
    const EvaluatedConfig* find(const QString& key) const;
    /// Pareto flags of all() for `m`, in the same order; a record no better than the mean
    /// image is never on the front (and does not push others off it).
    QVector<bool> paretoFlags(Metric m) const;
    /// The same rule over any records; `eligible[i]` false keeps record i off the front.
    static QVector<bool> paretoFlagsOf(const QVector<EvaluatedConfig>& items, Metric m, const QVector<bool>& eligible);

Q_SIGNALS:
    /// The list changed (a record added, replaced, or all cleared).
    void changed();

private:
    QVector<EvaluatedConfig> m_items;
    MeanImageFigures m_meanImage;
};

}  // namespace pareto::ui
