#include "compress/modelcompressor.h"

#include "model/tinyvae.h"
#include "quant/channelaxis.h"
#include "quant/modelquantizer.h"

namespace pareto {

Result<CompressedModel> compressModel(const VaeModel& baseline, const QuantPlan& plan, const ProgressSink& progress) {
    const auto* tiny = dynamic_cast<const TinyVae*>(&baseline);
    if (!tiny) return fail("quantizing " + baseline.info().arch + " models is not supported yet (TinyVAE state dicts are)");
    QuantPlan p = plan;
    if (p.convTransposeWeights.empty()) p.convTransposeWeights = tinyVaeConvTransposeWeights();

    auto q = quantizeStateDict(tiny->weights(), p, progress);
    if (!q) return q.error();
    auto model = TinyVae::fromStateDict(q->dequantized);
    if (!model) return fail("quantized weights do not form a TinyVAE: " + model.error().message);
    CompressedModel out;
    out.model = std::make_shared<TinyVae>(std::move(*model));
    out.quantized = std::move(*q);
    return out;
}

}  // namespace pareto
