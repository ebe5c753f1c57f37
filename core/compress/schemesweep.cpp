#include "compress/schemesweep.h"

#include "model/tinyvae.h"
#include "quant/modelquantizer.h"

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

namespace {

bool isPlainFp32(const QuantPlan& p) {
    return p.defaultScheme.kind == QuantKind::Float32 && p.precisionMap.empty() && !p.quantizeBiases;
}

std::string planLabel(const QuantPlan& p) {
    return p.precisionMap.empty() ? p.defaultScheme.toString() : p.defaultScheme.toString() + "+map";
}

}  // namespace

Result<SchemeSweep> sweepSchemes(const VaeModel& baseline, const std::vector<QuantPlan>& plans, const Dataset& data,
                                 const MeanImage& meanImage, int batchSize, const ProgressSink& progress) {
    const double steps = 1.0 + static_cast<double>(plans.size());
    SchemeSweep out;
    auto fp32 = evaluateWithBaseline(baseline, data, meanImage, batchSize, progress.sub(0.0, 1.0 / steps));
    if (!fp32) return fp32.error();
    out.fp32 = std::move(*fp32);

    // The FP32 row's size is counted by the same quantizer as the others (all tensors FP32).
    SweepRow base;
    base.scheme = "fp32";
    base.baseline = true;
    {
        const auto* tiny = dynamic_cast<const TinyVae*>(&baseline);
        if (!tiny) return fail("sweeping " + baseline.info().arch + " models is not supported yet (TinyVAE state dicts are)");
        QuantPlan fp;
        fp.defaultScheme = QuantScheme::fp32();
        auto q = quantizeStateDict(tiny->weights(), fp);
        if (!q) return q.error();
        base.size = std::move(q->size);
    }
    base.metrics = out.fp32.summary;
    base.deltaVsFp32 = pairedDeltas(out.fp32.perImage, out.fp32.perImage);
    out.rows.push_back(std::move(base));

    for (size_t i = 0; i < plans.size(); ++i) {
        const QuantPlan& plan = plans[i];
        const std::string label = planLabel(plan);
        const ProgressSink step = progress.sub((1.0 + i) / steps, (2.0 + i) / steps);
        if (!step.update(0.0, "sweep " + label)) return Error::cancelled();
        if (isPlainFp32(plan)) continue;
        auto compressed = compressModel(baseline, plan, step.sub(0.0, 0.1));
        if (!compressed) return compressed.error();
        auto metrics = evaluateModel(*compressed->model, data, batchSize, step.sub(0.1, 1.0));
        if (!metrics) return metrics.error();
        SweepRow row;
        row.scheme = label;
        row.size = std::move(compressed->quantized.size);
        row.metrics = summarize(*metrics);
        row.deltaVsFp32 = pairedDeltas(out.fp32.perImage, *metrics);
        for (const auto& w : compressed->quantized.warnings) out.warnings.push_back(label + ": " + w);
        out.rows.push_back(std::move(row));
    }

    std::vector<std::pair<int64_t, double>> points;
    for (const auto& r : out.rows) points.emplace_back(r.size.bytes, r.metrics.mse.mean);
    const std::vector<bool> front = paretoFront(points);
    for (size_t i = 0; i < out.rows.size(); ++i) out.rows[i].pareto = front[i];
    progress.update(1.0, "sweep done");
    return out;
}

}  // namespace pareto
