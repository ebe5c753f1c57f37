#include "session/evaluatedconfigs.h"

#include "compress/schemesweep.h"

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

QVector<bool> EvaluatedConfigs::paretoFlags(Metric m) const {
    std::vector<std::pair<int64_t, double>> points;
    points.reserve(static_cast<size_t>(m_items.size()));
    for (const auto& item : m_items) {
        const double q = item.metric(m).mean;
        points.emplace_back(item.bytes, higherIsBetter(m) ? -q : q);
    }
    const std::vector<bool> front = paretoFront(points);
    QVector<bool> out;
    out.reserve(static_cast<int>(front.size()));
    for (bool f : front) out.push_back(f);
    return out;
}

}  // namespace pareto::ui
