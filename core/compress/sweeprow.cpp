// SPDX-License-Identifier: Apache-2.0
#include "compress/sweeprow.h"

#include "compress/modelcompressor.h"
#include "eval/evaluator.h"
#include "quant/modelquantizer.h"

#include <utility>

namespace pareto {

std::string sweepPlanLabel(const QuantPlan& plan) {
    return plan.precisionMap.empty() ? plan.defaultScheme.toString() : plan.defaultScheme.toString() + "+map";
}

bool isPlainFp32Plan(const QuantPlan& plan) {
    return plan.defaultScheme.kind == QuantKind::Float32 && plan.precisionMap.empty() && !plan.quantizeBiases;
}

Result<SweepRow> fp32SweepRow(const Model& baseline, const ModelEvaluation& fp32) {
    QuantPlan fp;
    fp.defaultScheme = QuantScheme::fp32();
    auto q = quantizeModelTensors(baseline.tensors(), fp);
    if (!q) return q.error();
    SweepRow row;
    row.scheme = "fp32";
    row.baseline = true;
    row.size = std::move(q->size);
    row.metrics = fp32.summary;
    row.deltaVsFp32 = pairedDeltas(fp32.perImage, fp32.perImage);
    row.perImage = fp32.perImage;
    return row;
}

Result<SweepRow> measureSweepRow(const Model& baseline, const QuantPlan& plan, const Dataset& data,
                                 const PerImageMetrics& fp32PerImage, int batchSize, const ProgressSink& progress,
                                 std::vector<std::string>* warnings) {
    if (static_cast<int64_t>(fp32PerImage.size()) != data.size())
        return fail("sweep: FP32 metrics are for " + std::to_string(fp32PerImage.size()) + " images, the data has " +
                    std::to_string(data.size()));
    const std::string label = sweepPlanLabel(plan);
    auto compressed = compressModel(baseline, plan, progress.sub(0.0, 0.1));
    if (!compressed) return compressed.error();
    auto metrics = evaluateModel(*compressed->model, data, batchSize, progress.sub(0.1, 1.0));
    if (!metrics) {
        if (metrics.error().isCancelled()) return metrics.error();
        return fail("the " + sweepPlanLabel(plan) + " copy: " + metrics.error().message);
    }
    if (warnings)
        for (const auto& w : compressed->quantized.warnings) warnings->push_back(label + ": " + w);
    return sweepRowOf(plan, std::move(compressed->quantized.size), std::move(*metrics), fp32PerImage);
}

SweepRow sweepRowOf(const QuantPlan& plan, SizeReport size, PerImageMetrics perImage, const PerImageMetrics& fp32PerImage) {
    SweepRow row;
    row.scheme = sweepPlanLabel(plan);
    row.size = std::move(size);
    row.metrics = summarize(perImage);
    row.deltaVsFp32 = pairedDeltas(fp32PerImage, perImage);
    row.perImage = std::move(perImage);
    return row;
}

void markParetoFront(std::vector<SweepRow>& rows) {
    std::vector<std::pair<int64_t, double>> points;
    points.reserve(rows.size());
    for (const auto& r : rows) points.emplace_back(r.size.bytes, r.metrics.mse.mean);
    const std::vector<bool> front = paretoFront(points);
    for (size_t i = 0; i < rows.size(); ++i) rows[i].pareto = front[i];
}

}  // namespace pareto
