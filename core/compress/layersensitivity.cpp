// SPDX-License-Identifier: Apache-2.0
#include "compress/layersensitivity.h"

#include "compress/modelcompressor.h"

#include <algorithm>
#include <cmath>

namespace pareto {

Result<std::vector<std::string>> quantizableTensors(const Model& model, const QuantPlan& plan) {
    std::vector<std::string> names;
    for (const auto& t : model.tensors())
        if (plan.isQuantizable(t)) names.push_back(t.name);
    if (names.empty()) return fail(model.describe() + " has no tensor a scheme quantizes (no Conv, ConvTranspose, Linear or Embedding weights)");
    return names;
}

QuantPlan singleTensorPlan(const std::string& name, const QuantScheme& scheme) {
    QuantPlan p;
    p.defaultScheme = QuantScheme::fp32();
    // Parameter names hold no '*' or '?', so the name is a glob matching exactly itself.
    p.precisionMap = PrecisionMap({PrecisionRule{name, scheme}});
    return p;
}

Result<SensitivityReport> measureLayerSensitivity(const Model& baseline, const QuantScheme& scheme,
                                                  const Dataset& calibration, int batchSize,
                                                  const ProgressSink& progress, const PerImageMetrics* fp32PerImage) {
    if (auto st = scheme.validate(); !st) return st.error();
    auto names = quantizableTensors(baseline);
    if (!names) return names.error();
    if (names->empty()) return fail("the model has no quantizable tensors");

    SensitivityReport out;
    out.scheme = scheme.toString();
    out.n = calibration.size();
    out.fp32ModelBytes = baseline.info().fp32Bytes();
    const double steps = static_cast<double>(names->size()) + (fp32PerImage ? 0.0 : 1.0);
    double done = 0;
    if (fp32PerImage) {
        if (static_cast<int64_t>(fp32PerImage->size()) != calibration.size())
            return fail("FP32 metrics are for " + std::to_string(fp32PerImage->size()) + " images, the calibration set has " +
                        std::to_string(calibration.size()));
        out.fp32PerImage = *fp32PerImage;
    } else {
        auto m = evaluateModel(baseline, calibration, batchSize, progress.sub(0.0, 1.0 / steps));
        if (!m) return m.error();
        out.fp32PerImage = std::move(*m);
        done = 1;
    }
    out.fp32 = summarize(out.fp32PerImage);

    for (const auto& name : *names) {
        const ProgressSink step = progress.sub(done / steps, (done + 1) / steps);
        done += 1;
        if (!step.update(0.0, "sensitivity " + name + " " + out.scheme)) return Error::cancelled();
        auto c = compressModel(baseline, singleTensorPlan(name, scheme), step.sub(0.0, 0.1));
        if (!c) return c.error();
        auto m = evaluateModel(*c->model, calibration, batchSize, step.sub(0.1, 1.0));
        if (!m) return m.error();
        const SizeReport::Entry* e = c->quantized.size.find(name);
        if (!e) return fail(name + ": missing from the size report");
        LayerSensitivity l;
        l.name = name;
        l.params = e->params;
        l.fp32Bytes = 4 * e->params;
        l.bytes = e->bytes;
        l.bytesSaved = l.fp32Bytes - l.bytes;
        l.modelBytes = c->quantized.size.bytes;
        l.mse = summarize(*m).mse.mean;
        l.deltaMse = pairedDelta(out.fp32PerImage.mse, m->mse);
        out.layers.push_back(std::move(l));
    }
    // Largest harm first; NaN (a broken layer) sorts to the top.
    std::stable_sort(out.layers.begin(), out.layers.end(), [](const LayerSensitivity& a, const LayerSensitivity& b) {
        const double x = a.deltaMse.estimate.mean, y = b.deltaMse.estimate.mean;
        if (std::isnan(x) != std::isnan(y)) return std::isnan(x);
        return x > y;
    });
    progress.update(1.0, "sensitivity done");
    return out;
}

}  // namespace pareto
