// SPDX-License-Identifier: Apache-2.0
#include "latent/compoundsweep.h"

#include "compress/copymeasurement.h"
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
                                    int batchSize, const ProgressSink& progress, const ModelEvaluation* originalMeasured) {
    if (!original) return fail("compound sweep: no model");
    for (const auto& v : variants)
        if (!v.model) return fail("compound sweep: variant " + v.method + ":" + std::to_string(v.k) + " has no model");
    if (originalMeasured && originalMeasured->n() != data.size())
        return fail("compound sweep: the original's metrics are for " + std::to_string(originalMeasured->n()) + " images, the data has " +
                    std::to_string(data.size()));

    std::vector<QuantPlan> quantPlans;
    for (const auto& p : plans)
        if (!isPlainFp32(p)) quantPlans.push_back(p);
    std::vector<LatentVariant> all;
    all.push_back({"original", original->info().latentDim, std::nullopt, original, "as loaded"});
    all.insert(all.end(), variants.begin(), variants.end());

    // Steps: the original's FP32 evaluation (when not given), then one per model.
    const double steps = (originalMeasured ? 0.0 : 1.0) + static_cast<double>(all.size());
    CompoundSweep out;
    int step = 0;
    if (originalMeasured) {
        out.original = *originalMeasured;
    } else {
        auto ref = evaluateWithBaseline(*original, data, meanImage, batchSize, progress.sub(0.0, 1.0 / steps));
        if (!ref) return ref.error();
        out.original = std::move(*ref);
        step = 1;
    }

    for (const LatentVariant& v : all) {
        const bool isOriginal = v.method == "original";
        const std::string name = v.method + ":" + std::to_string(v.k);
        const auto addRow = [&](const std::string& scheme, SizeReport size, PerImageMetrics m) {
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
            row.perImage = std::move(m);
            out.rows.push_back(std::move(row));
        };

        // This model at FP32 (the original's is known) and under every plan, measured together.
        const ProgressSink sink = progress.sub(step / steps, (step + 1) / steps);
        ++step;
        if (!sink.update(0.0, "grid " + name + " fp32")) return Error::cancelled();
        auto size = fp32SizeOf(*v.model);
        if (!size) return size.error();
        PerImageMetrics fp32;
        auto copies = measureCopies(*v.model, quantPlans, data, batchSize, sink,
                                    [&](const QuantPlan& p) { return "grid " + name + " " + planLabel(p); },
                                    [&](const QuantPlan& p) { return name + " " + planLabel(p) + ": "; },
                                    isOriginal ? nullptr : &fp32);
        if (!copies) {
            if (copies.error().isCancelled()) return copies.error();
            const std::string& msg = copies.error().message;
            // A failure of the model itself (not of a copy) is worded as before: "<name>: ...".
            return fail(msg.rfind(name + " ", 0) == 0 ? msg : name + ": " + msg);
        }
        addRow("fp32", std::move(*size), isOriginal ? out.original.perImage : std::move(fp32));
        for (size_t i = 0; i < quantPlans.size(); ++i) {
            const std::string label = planLabel(quantPlans[i]);
            MeasuredCopy& c = (*copies)[i];
            for (const auto& w : c.warnings) out.warnings.push_back(name + " " + label + ": " + w);
            addRow(label, std::move(c.size), std::move(c.perImage));
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
