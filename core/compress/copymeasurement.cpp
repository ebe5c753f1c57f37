// SPDX-License-Identifier: Apache-2.0
#include "compress/copymeasurement.h"

#include "common/concurrenttasks.h"
#include "compress/modelcompressor.h"
#include "eval/evaluator.h"

#include <algorithm>

namespace pareto {

Result<std::vector<MeasuredCopy>> measureCopies(const Model& model, const std::vector<QuantPlan>& plans, const Dataset& data,
                                                int batchSize, const ProgressSink& progress,
                                                const std::function<std::string(const QuantPlan&)>& stage,
                                                const std::function<std::string(const QuantPlan&)>& errorPrefix,
                                                PerImageMetrics* modelPerImage) {
    const int workers = defaultWorkers();
    const int64_t copyBytes = std::max<int64_t>(1, model.info().fp32Bytes());
    const size_t perGroup = static_cast<size_t>(std::max<int64_t>(1, kCopiesInMemoryBytes / copyBytes));
    const size_t groups = std::max<size_t>(1, (plans.size() + perGroup - 1) / perGroup);
    std::vector<MeasuredCopy> out(plans.size());

    for (size_t g = 0; g < groups; ++g) {
        const size_t first = g * perGroup, last = std::min(plans.size(), first + perGroup);
        const double lo = static_cast<double>(g) / static_cast<double>(groups), hi = static_cast<double>(g + 1) / static_cast<double>(groups);
        const ProgressSink part = progress.sub(lo, hi);
        for (size_t i = first; i < last; ++i)
            if (!part.update(0.05 * static_cast<double>(i - first) / static_cast<double>(last - first), stage(plans[i])))
                return Error::cancelled();

        std::vector<Result<CompressedModel>> copies(last - first, Result<CompressedModel>(Error::cancelled()));
        runConcurrently(static_cast<int64_t>(copies.size()), workers, [&](const TaskContext& ctx) {
            if (progress.cancelled()) return false;
            auto& c = copies[static_cast<size_t>(ctx.index)];
            c = compressModel(model, plans[first + static_cast<size_t>(ctx.index)]);
            return c.ok();
        });
        for (size_t i = 0; i < copies.size(); ++i)
            if (!copies[i] && !copies[i].error().isCancelled()) return fail(errorPrefix(plans[first + i]) + copies[i].error().message);
        if (progress.cancelled()) return Error::cancelled();

        const bool withModel = modelPerImage && g == 0;
        std::vector<const Model*> models;
        if (withModel) models.push_back(&model);
        for (auto& c : copies) models.push_back(c->model.get());
        auto metrics = evaluateModels(models, data, batchSize, part.sub(0.05, 1.0), nullptr, workers);
        if (!metrics) {
            if (metrics.error().isCancelled()) return metrics.error();
            // Name the configuration that failed, as measuring one at a time did.
            for (size_t i = withModel ? 1 : 0; i < models.size(); ++i) {
                auto one = evaluateModels({models[i]}, data, batchSize, {}, nullptr, workers);
                if (!one) return fail(errorPrefix(plans[first + i - (withModel ? 1 : 0)]) + one.error().message);
            }
            return metrics.error();
        }
        if (withModel) *modelPerImage = std::move((*metrics)[0]);
        for (size_t i = 0; i < copies.size(); ++i) {
            MeasuredCopy& m = out[first + i];
            m.size = std::move(copies[i]->quantized.size);
            m.warnings = std::move(copies[i]->quantized.warnings);
            m.perImage = std::move((*metrics)[i + (withModel ? 1 : 0)]);
        }
    }
    if (modelPerImage && plans.empty()) {
        auto m = evaluateModels({&model}, data, batchSize, progress, nullptr, workers);
        if (!m) return m.error();
        *modelPerImage = std::move(m->front());
    }
    return out;
}

}  // namespace pareto
