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
        const auto part = data.images.narrow(0, start, len).to(at::kCPU, at::kDouble).sum(0);
        sum = sum.defined() ? sum + part : part;
    }
    return (sum / static_cast<double>(n)).to(at::kFloat);
}

PerImageMetrics evaluateMeanImage(const at::Tensor& meanImage, const Dataset& data) {
    const int64_t n = data.size();
    if (n == 0) return {};
    TORCH_CHECK(meanImage.defined() && meanImage.dim() == 3, "evaluateMeanImage: mean image must be [C, H, W]");
    TORCH_CHECK(meanImage.sizes() == data.images.sizes().slice(1), "evaluateMeanImage: mean image ",
                meanImage.sizes(), " does not match images ", data.images.sizes());
    // expand() is a view: no N copies of the mean image; computeMetrics copies per chunk.
    return computeMetrics(meanImage.to(at::kCPU).unsqueeze(0).expand(data.images.sizes()), data.images);
}

}  // namespace pareto
