// SPDX-License-Identifier: Apache-2.0
#include "eval/baseline.h"

#include "eval/evaluator.h"

#include "common/concurrenttasks.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <algorithm>

namespace pareto {
namespace {

// Images per float64 chunk when summing: bounds temporary memory on large datasets.
constexpr int64_t kChunkImages = 256;
// Images per task when measuring the mean image: enough tasks to share between cores.
constexpr int64_t kMetricChunkImages = 64;

}  // namespace

at::Tensor meanImageOf(const Dataset& data) {
    const int64_t n = data.size();
    if (n == 0) return {};
    at::NoGradGuard noGrad;
    at::Tensor sum;
    for (int64_t start = 0; start < n; start += kChunkImages) {
        const int64_t len = std::min(kChunkImages, n - start);
        const auto part = data.batch(start, len).to(at::kCPU, at::kDouble).sum(0);
        sum = sum.defined() ? sum + part : part;
    }
    return (sum / static_cast<double>(n)).to(at::kFloat);
}

PerImageMetrics evaluateMeanImage(const at::Tensor& meanImage, const Dataset& data) {
    const int64_t n = data.size();
    if (n == 0) return {};
    TORCH_CHECK(meanImage.defined() && meanImage.dim() == 3, "evaluateMeanImage: mean image must be [C, H, W]");
    TORCH_CHECK(meanImage.sizes() == at::IntArrayRef(data.shape()), "evaluateMeanImage: mean image ", meanImage.sizes(),
                " does not match images ", at::IntArrayRef(data.shape()));
    // In chunks (a set converted per batch is never held whole), measured on every core;
    // expand() is a view.
    const at::Tensor mean = meanImage.to(at::kCPU);
    std::vector<PerImageMetrics> chunks(static_cast<size_t>((n + kMetricChunkImages - 1) / kMetricChunkImages));
    runConcurrently(static_cast<int64_t>(chunks.size()), defaultWorkers(), [&](const TaskContext& ctx) {
        const int64_t start = ctx.index * kMetricChunkImages;
        const at::Tensor x = data.batch(start, std::min(kMetricChunkImages, n - start));
        chunks[static_cast<size_t>(ctx.index)] = computeMetrics(mean.unsqueeze(0).expand(x.sizes()), x);
        return true;
    });
    PerImageMetrics all;
    for (const auto& c : chunks) all.append(c);
    return all;
}

}  // namespace pareto
