// SPDX-License-Identifier: Apache-2.0
#include "latent/distillationstudy.h"

namespace pareto {

Result<DistillationStudy> distillWithGap(const std::shared_ptr<const Model>& teacher, const LatentStatistics& statistics, int64_t k,
                                         const Dataset& train, const Dataset& val, const DistillConfig& config,
                                         const Dataset& evaluation, const std::vector<ScratchModel>& scratch, int batchSize,
                                         const ProgressSink& progress) {
    const ModelInfo info = teacher ? teacher->info() : ModelInfo{};
    for (const auto& s : scratch) {
        if (!s.model) return fail(s.source + ": no model");
        const ModelInfo si = s.model->info();
        if (si.latentDim != k)
            return fail(s.source + ": a scratch model for k=" + std::to_string(k) + " has latent size " + std::to_string(si.latentDim));
        if (si.inputShape != info.inputShape) return fail(s.source + ": a scratch model for another input shape than the teacher's");
    }
    DistillationStudy out;
    auto d = distillStudent(teacher, statistics, k, train, val, config, progress.sub(0.0, 0.8));
    if (!d) return d.error();
    out.distilled = std::move(*d);

    auto pca = evaluateModel(*out.distilled.pcaInit, evaluation, batchSize, progress.sub(0.8, 0.85));
    if (!pca) return pca.error();
    out.pca = std::move(*pca);
    auto student = evaluateModel(*out.distilled.student(), evaluation, batchSize, progress.sub(0.85, 0.9));
    if (!student) return student.error();
    out.student = std::move(*student);
    const double n = static_cast<double>(std::max<size_t>(1, scratch.size()));
    for (size_t i = 0; i < scratch.size(); ++i) {
        auto m = evaluateModel(*scratch[i].model, evaluation, batchSize, progress.sub(0.9 + 0.1 * i / n, 0.9 + 0.1 * (i + 1) / n));
        if (!m) return fail(scratch[i].source + ": " + m.error().message);
        out.scratch.push_back(std::move(*m));
        out.scratchSources.push_back(scratch[i].source);
    }
    if (!out.scratch.empty()) {
        out.scratchMean = out.scratch[0];
        for (size_t i = 0; i < out.scratchMean.size(); ++i) {
            double m = 0, p = 0, s = 0;
            for (const auto& one : out.scratch) {
                m += one.mse[i];
                p += one.psnr[i];
                s += one.ssim[i];
            }
            const double c = static_cast<double>(out.scratch.size());
            out.scratchMean.mse[i] = m / c;
            out.scratchMean.psnr[i] = p / c;
            out.scratchMean.ssim[i] = s / c;
        }
    }
    std::vector<std::vector<double>> scratchMse;
    for (const auto& s : out.scratch) scratchMse.push_back(s.mse);
    out.gap = gapRecovered(out.pca.mse, out.student.mse, scratchMse);
    progress.update(1.0, "distilled");
    return out;
}

}  // namespace pareto
