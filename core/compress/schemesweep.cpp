// SPDX-License-Identifier: Apache-2.0
#include "compress/schemesweep.h"

#include "compress/sweeprow.h"

#include "common/concurrenttasks.h"
#include "compress/copymeasurement.h"
#include "eval/evaluator.h"

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
    if (data.size() == 0) return fail("no images to evaluate (" + data.identity + ")");
    std::vector<QuantPlan> measured;
    for (const QuantPlan& p : plans)
        if (!isPlainFp32Plan(p)) measured.push_back(p);

    // The FP32 model and every copy on the same batches (each batch read once, measured by
    // all while it is in cache), on every core.
    PerImageMetrics fp32PerImage;
    auto copies = measureCopies(baseline, measured, data, batchSize, progress.sub(0.0, 0.9),
                                [](const QuantPlan& p) { return "sweep " + sweepPlanLabel(p); },
                                [](const QuantPlan& p) { return "the " + sweepPlanLabel(p) + " copy: "; }, &fp32PerImage);
    if (!copies) return copies.error();

    // Bootstrap summaries and paired deltas, a row per task.
    if (!progress.update(0.9, "summarizing")) return Error::cancelled();
    SchemeSweep out;
    out.fp32 = evaluationOf(baseline, data, meanImage, std::move(fp32PerImage));
    auto base = fp32SweepRow(baseline, out.fp32);
    if (!base) return base.error();
    std::vector<SweepRow> rows(measured.size());
    runConcurrently(static_cast<int64_t>(rows.size()), defaultWorkers(), [&](const TaskContext& ctx) {
        const size_t i = static_cast<size_t>(ctx.index);
        MeasuredCopy& c = (*copies)[i];
        rows[i] = sweepRowOf(measured[i], std::move(c.size), std::move(c.perImage), out.fp32.perImage);
        return true;
    });
    out.rows.push_back(std::move(*base));
    for (size_t i = 0; i < rows.size(); ++i) {
        for (const auto& w : (*copies)[i].warnings) out.warnings.push_back(rows[i].scheme + ": " + w);
        out.rows.push_back(std::move(rows[i]));
    }
    markParetoFront(out.rows);
    progress.update(1.0, "sweep done");
    return out;
}

}  // namespace pareto
