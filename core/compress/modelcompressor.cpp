// SPDX-License-Identifier: Apache-2.0
#include "compress/modelcompressor.h"

#include "quant/modelquantizer.h"

namespace pareto {

Result<CompressedModel> compressModel(const Model& baseline, const QuantPlan& plan, const ProgressSink& progress) {
    auto q = quantizeModelTensors(baseline.tensors(), plan, progress);
    if (!q) return q.error();
    auto model = baseline.withWeights(q->dequantized);
    if (!model) return fail("quantized weights do not fit " + baseline.describe() + ": " + model.error().message);
    CompressedModel out;
    out.model = std::move(*model);
    out.quantized = std::move(*q);
    return out;
}

}  // namespace pareto
