// SPDX-License-Identifier: Apache-2.0
#include "compress/compressionevaluation.h"

namespace pareto {

Result<CompressionEvaluation> evaluateCompression(const Model& baseline, const QuantPlan& plan, const Dataset& data,
                                                  const MeanImage& meanImage, int batchSize, const ProgressSink& progress) {
    CompressionEvaluation out;
    auto fp32 = evaluateWithBaseline(baseline, data, meanImage, batchSize, progress.sub(0.0, 0.45));
    if (!fp32) return fp32.error();
    out.fp32 = std::move(*fp32);

    auto compressed = compressModel(baseline, plan, progress.sub(0.45, 0.55));
    if (!compressed) return compressed.error();
    auto metrics = evaluateModel(*compressed->model, data, batchSize, progress.sub(0.55, 1.0));
    if (!metrics) {
        if (metrics.error().isCancelled()) return metrics.error();
        return fail("the " + plan.defaultScheme.toString() + (plan.precisionMap.empty() ? "" : "+map") + " copy: " + metrics.error().message);
    }
    out.compressedPerImage = std::move(*metrics);
    out.compressed = summarize(out.compressedPerImage);
    out.deltaVsFp32 = pairedDeltas(out.fp32.perImage, out.compressedPerImage);
    out.quantized = std::move(compressed->quantized);
    out.compressedModel = std::move(compressed->model);
    return out;
}

}  // namespace pareto
