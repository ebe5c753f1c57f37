// SPDX-License-Identifier: Apache-2.0
#include "eval/streamingevaluator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstddef>
#include <string>

namespace pareto {
namespace {

PerImageMetrics prefix(const PerImageMetrics& m, size_t n) {
    PerImageMetrics p;
    p.mse.assign(m.mse.begin(), m.mse.begin() + static_cast<std::ptrdiff_t>(n));
    p.psnr.assign(m.psnr.begin(), m.psnr.begin() + static_cast<std::ptrdiff_t>(n));
    p.ssim.assign(m.ssim.begin(), m.ssim.begin() + static_cast<std::ptrdiff_t>(n));
    return p;
}

}  // namespace

Result<PerImageMetrics> evaluateStreaming(const Model& model, const Dataset& data, const StreamingCallback& onUpdate,
                                          const PerImageMetrics* reference, int batchSize, int64_t chunkImages,
                                          const ProgressSink& progress) {
    const int64_t n = data.size();
    if (n == 0) return fail("evaluate: dataset '" + data.identity + "' has no images");
    if (batchSize < 1) return fail("evaluate: batch size must be at least 1, got " + std::to_string(batchSize));
    if (reference && static_cast<int64_t>(reference->size()) != n)
        return fail("evaluate: reference metrics are for " + std::to_string(reference->size()) + " images, the data has " +
                    std::to_string(n));
    // Whole batches per chunk: evaluateModel() then sees exactly the batches it would see for
    // the whole set, so every per-image number is the same.
    const int64_t batches = std::max<int64_t>(1, (std::max<int64_t>(1, chunkImages) + batchSize - 1) / batchSize);
    const int64_t chunk = batches * batchSize;

    PerImageMetrics all;
    for (int64_t start = 0; start < n; start += chunk) {
        const int64_t len = std::min<int64_t>(chunk, n - start);
        const double lo = static_cast<double>(start) / static_cast<double>(n);
        const double hi = static_cast<double>(start + len) / static_cast<double>(n);
        Dataset part = Dataset::fromImages(data.batch(start, len), {}, data.identity);
        auto m = evaluateModel(model, part, batchSize, progress.sub(lo, hi));
        if (!m) return m.error();
        all.append(*m);
        if (onUpdate) {
            StreamingUpdate u;
            u.done = start + len;
            u.total = n;
            u.perImage = &all;
            u.running = summarize(all);
            if (reference) {
                u.hasDelta = true;
                u.deltaVsReference = pairedDeltas(prefix(*reference, all.size()), all);
            }
            onUpdate(u);
        }
    }
    return all;
}

}  // namespace pareto
