// SPDX-License-Identifier: Apache-2.0
#include "eval/baseline.h"

#include "eval/evaluator.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <algorithm>

namespace pareto {
namespace {

// Images per float64 chunk when summing: bounds temporary memory on large datasets.
constexpr int64_t kChunkImages = 256;

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
    // In chunks (a set converted per batch is never held whole); expand() is a view.
    PerImageMetrics all;
    for (int64_t start = 0; start < n; start += kChunkImages) {
        const at::Tensor x = data.batch(start, std::min(kChunkImages, n - start));
        all.append(computeMetrics(meanImage.to(at::kCPU).unsqueeze(0).expand(x.sizes()), x));
    }
    return all;
}

}  // namespace pareto
