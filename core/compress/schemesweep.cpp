// SPDX-License-Identifier: Apache-2.0
#include "compress/schemesweep.h"

#include "compress/sweeprow.h"

#include <cmath>

namespace pareto {

const std::vector<std::string>& defaultSweepSchemes() {
    static const std::vector<std::string> schemes{"fp16", "int8",     "int6", "int5",     "int4",
                                                  "int4-g64", "nf4", "int3-g64", "int2-g64", "ternary"};
    return schemes;
}

std::vector<bool> paretoFront(const std::vector<std::pair<int64_t, double>>& points) {
    std::vector<bool> front(points.size(), false);
    for (size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        if (std::isnan(p.second)) continue;
        bool dominated = false;
        for (size_t j = 0; j < points.size() && !dominated; ++j) {
            const auto& q = points[j];
            if (j == i || std::isnan(q.second)) continue;
            dominated = q.first <= p.first && q.second <= p.second && (q.first < p.first || q.second < p.second);
        }
        front[i] = !dominated;
    }
    return front;
}

Result<std::vector<QuantPlan>> plansFromSchemes(const std::vector<std::string>& schemes) {
    std::vector<QuantPlan> plans;
    for (const auto& s : schemes) {
        auto scheme = QuantScheme::parse(s);
        if (!scheme) return scheme.error();
        QuantPlan p;
        p.defaultScheme = *scheme;
        plans.push_back(std::move(p));
    }
    return plans;
}

Result<SchemeSweep> sweepSchemes(const Model& baseline, const std::vector<QuantPlan>& plans, const Dataset& data,
                                 const MeanImage& meanImage, int batchSize, const ProgressSink& progress) {
    const double steps = 1.0 + static_cast<double>(plans.size());
    SchemeSweep out;
    auto fp32 = evaluateWithBaseline(baseline, data, meanImage, batchSize, progress.sub(0.0, 1.0 / steps));
    if (!fp32) return fp32.error();
    out.fp32 = std::move(*fp32);

    auto base = fp32SweepRow(baseline, out.fp32);
    if (!base) return base.error();
    out.rows.push_back(std::move(*base));

    for (size_t i = 0; i < plans.size(); ++i) {
        const QuantPlan& plan = plans[i];
        const ProgressSink step = progress.sub((1.0 + i) / steps, (2.0 + i) / steps);
        if (!step.update(0.0, "sweep " + sweepPlanLabel(plan))) return Error::cancelled();
        if (isPlainFp32Plan(plan)) continue;
        auto row = measureSweepRow(baseline, plan, data, out.fp32.perImage, batchSize, step, &out.warnings);
        if (!row) return row.error();
        out.rows.push_back(std::move(*row));
    }
    markParetoFront(out.rows);
    progress.update(1.0, "sweep done");
    return out;
}

}  // namespace pareto
