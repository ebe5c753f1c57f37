// SPDX-License-Identifier: Apache-2.0
#include "latent/compoundsweep.h"

#include "compress/modelcompressor.h"
#include "compress/schemesweep.h"
#include "quant/modelquantizer.h"

namespace pareto {
namespace {

bool isPlainFp32(const QuantPlan& p) {
    return p.defaultScheme.kind == QuantKind::Float32 && p.precisionMap.empty() && !p.quantizeBiases;
}

std::string planLabel(const QuantPlan& p) {
    return p.precisionMap.empty() ? p.defaultScheme.toString() : p.defaultScheme.toString() + "+map";
}

}  // namespace

Result<SizeReport> fp32SizeOf(const Model& model) {
    QuantPlan fp;
    fp.defaultScheme = QuantScheme::fp32();
    auto q = quantizeModelTensors(model.tensors(), fp);
    if (!q) return q.error();
    return q->size;
}

Result<CompoundSweep> sweepCompound(const std::shared_ptr<const Model>& original, const std::vector<LatentVariant>& variants,
                                    const std::vector<QuantPlan>& plans, const Dataset& data, const MeanImage& meanImage,
                                    int batchSize, const ProgressSink& progress) {
    if (!original) return fail("compound sweep: no model");
    for (const auto& v : variants)
        if (!v.model) return fail("compound sweep: variant " + v.method + ":" + std::to_string(v.k) + " has no model");

    std::vector<QuantPlan> quantPlans;
    for (const auto& p : plans)
        if (!isPlainFp32(p)) quantPlans.push_back(p);
    std::vector<LatentVariant> all;
    all.push_back({"original", original->info().latentDim, std::nullopt, original, "as loaded"});
    all.insert(all.end(), variants.begin(), variants.end());

    const double steps = 1.0 + static_cast<double>(all.size() * (1 + quantPlans.size()));
    CompoundSweep out;
    auto ref = evaluateWithBaseline(*original, data, meanImage, batchSize, progress.sub(0.0, 1.0 / steps));
    if (!ref) return ref.error();
    out.original = std::move(*ref);

    int step = 1;
    for (const LatentVariant& v : all) {
        const bool isOriginal = v.method == "original";
        const std::string name = v.method + ":" + std::to_string(v.k);
        const auto addRow = [&](const std::string& scheme, SizeReport size, const PerImageMetrics& m) {
            CompoundRow row;
            row.method = v.method;
            row.k = v.k;
            row.seed = v.seed;
            row.scheme = scheme;
            row.size = std::move(size);
            row.metrics = summarize(m);
            row.deltaVsOriginal = pairedDeltas(out.original.perImage, m);
            row.reference = isOriginal && scheme == "fp32";
            row.untrainedWarning = checkUntrained(row.metrics, out.original.baselineSummary).warning;
            row.explainedVariance = v.explainedVariance;
            row.perImage = m;
            out.rows.push_back(std::move(row));
        };

        // FP32 point of this model.
        {
            const ProgressSink sink = progress.sub(step / steps, (step + 1) / steps);
            ++step;
            if (!sink.update(0.0, "grid " + name + " fp32")) return Error::cancelled();
            auto size = fp32SizeOf(*v.model);
            if (!size) return size.error();
            if (isOriginal) {
                addRow("fp32", std::move(*size), out.original.perImage);
            } else {
                auto m = evaluateModel(*v.model, data, batchSize, sink);
                if (!m) return fail(name + ": " + m.error().message);
                addRow("fp32", std::move(*size), *m);
            }
        }
        for (const QuantPlan& plan : quantPlans) {
            const std::string label = planLabel(plan);
            const ProgressSink sink = progress.sub(step / steps, (step + 1) / steps);
            ++step;
            if (!sink.update(0.0, "grid " + name + " " + label)) return Error::cancelled();
            auto q = compressModel(*v.model, plan, sink.sub(0.0, 0.1));
            if (!q) return fail(name + " " + label + ": " + q.error().message);
            for (const auto& w : q->quantized.warnings) out.warnings.push_back(name + " " + label + ": " + w);
            auto m = evaluateModel(*q->model, data, batchSize, sink.sub(0.1, 1.0));
            if (!m) return fail(name + " " + label + ": " + m.error().message);
            addRow(label, std::move(q->quantized.size), *m);
        }
    }

    std::vector<std::pair<int64_t, double>> points;
    for (const auto& r : out.rows) points.emplace_back(r.size.bytes, r.metrics.mse.mean);
    const std::vector<bool> front = paretoFront(points);
    for (size_t i = 0; i < out.rows.size(); ++i) out.rows[i].pareto = front[i];
    progress.update(1.0, "grid done");
    return out;
}

}  // namespace pareto
