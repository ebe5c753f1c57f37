// SPDX-License-Identifier: Apache-2.0
#include "eval/modelevaluation.h"

#include <ATen/ATen.h>

#include <chrono>

namespace pareto {

DatasetLoadOptions optionsForModel(const ModelInfo& info, DatasetLoadOptions base) {
    if (info.inputShape.size() == 3) {
        base.channels = static_cast<int>(info.inputShape[0]);
        base.height = static_cast<int>(info.inputShape[1]);
        base.width = static_cast<int>(info.inputShape[2]);
    }
    return base;
}

Result<ModelEvaluation> evaluateWithBaseline(const Model& model, const Dataset& data, const MeanImage& meanImage,
                                             int batchSize, const ProgressSink& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    if (data.size() == 0) return fail("no images to evaluate (" + data.identity + ")");
    auto metrics = evaluateModel(model, data, batchSize, progress);
    if (!metrics) return metrics.error();
    ModelEvaluation ev = evaluationOf(model, data, meanImage, std::move(*metrics));
    ev.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return ev;
}

ModelEvaluation evaluationOf(const Model& model, const Dataset& data, const MeanImage& meanImage, PerImageMetrics perImage) {
    ModelEvaluation ev;
    ev.model = model.info();
    ev.dataIdentity = data.identity;
    ev.dataNotes = data.notes;
    ev.perImage = std::move(perImage);
    ev.summary = summarize(ev.perImage);
    ev.baselinePerImage = evaluateMeanImage(meanImage.image, data);
    ev.baselineSummary = summarize(ev.baselinePerImage);
    ev.baselineSource = meanImage.source;
    ev.untrained = checkUntrained(ev.summary, ev.baselineSummary);
    return ev;
}

Result<ModelEvaluation> evaluateOnData(const Model& model, const DataSpec& spec, const DatasetLoadOptions& options,
                                       int batchSize, const ProgressSink& progress) {
    const DatasetLoadOptions opts = optionsForModel(model.info(), options);
    auto data = loadDataset(spec, opts, progress.sub(0.0, 0.2));
    if (!data) return data.error();
    auto mean = loadMeanImage(spec, opts, progress.sub(0.2, 0.4));
    if (!mean) return mean.error();
    return evaluateWithBaseline(model, *data, *mean, batchSize, progress.sub(0.4, 1.0));
}

}  // namespace pareto
