// SPDX-License-Identifier: Apache-2.0
#include "session/evaluatedconfigs.h"

#include "compress/schemesweep.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace pareto::ui {

EvaluatedConfigs::EvaluatedConfigs(QObject* parent) : QObject(parent) {}

void EvaluatedConfigs::upsert(const EvaluatedConfig& c) {
    for (auto& item : m_items) {
        if (item.key != c.key) continue;
        const auto keep = item.perImage;
        const QString source = item.source;
        item = c;
        if (!item.perImage) item.perImage = keep;
        // Measured from the slider first: say both.
        if (source != c.source && !source.contains(c.source)) item.source = source + QStringLiteral(", ") + c.source;
        Q_EMIT changed();
        return;
    }
    m_items.push_back(c);
    Q_EMIT changed();
}

void EvaluatedConfigs::clear() {
    m_items.clear();
    Q_EMIT changed();
}

const EvaluatedConfig* EvaluatedConfigs::find(const QString& key) const {
    for (const auto& item : m_items)
        if (item.key == key) return &item;
    return nullptr;
}

void EvaluatedConfigs::clearMeasured() {
    m_items.erase(std::remove_if(m_items.begin(), m_items.end(), [](const EvaluatedConfig& c) { return !c.baseline; }), m_items.end());
    Q_EMIT changed();
}

QVector<bool> EvaluatedConfigs::paretoFlags(Metric m) const {
    QVector<bool> eligible;
    eligible.reserve(m_items.size());
    for (const auto& item : m_items) eligible << !m_meanImage.notBeatenBy(item, m);
    return paretoFlagsOf(m_items, m, eligible);
}

QVector<bool> EvaluatedConfigs::paretoFlagsOf(const QVector<EvaluatedConfig>& items, Metric m, const QVector<bool>& eligible) {
    std::vector<std::pair<int64_t, double>> points;
    points.reserve(static_cast<size_t>(items.size()));
    for (int i = 0; i < items.size(); ++i) {
        const double q = items[i].metric(m).mean;
        // NaN: core never puts it on the front and it dominates nothing.
        const bool ok = i < eligible.size() && eligible[i];
        points.emplace_back(items[i].bytes, ok ? (higherIsBetter(m) ? -q : q) : std::numeric_limits<double>::quiet_NaN());
    }
    const std::vector<bool> front = paretoFront(points);
    QVector<bool> out;
    out.reserve(static_cast<int>(front.size()));
    for (bool f : front) out.push_back(f);
    return out;
}

}  // namespace pareto::ui
