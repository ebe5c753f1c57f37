// SPDX-License-Identifier: Apache-2.0
#pragma once
// The numbers behind a preview: a configuration's compressed model and its reconstructions of
// a few held-out images, with per-pixel error maps. The studio only turns them into pictures.

#include "common/result.h"
#include "compress/modelcompressor.h"
#include "data/dataset.h"
#include "eval/metrics.h"
#include "model/model.h"
#include "quant/quantplan.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace pareto {

/// @brief One preview to render. Plain value: copy it to a worker.
struct PreviewRequest {
    std::shared_ptr<const Model> base;      ///< the FP32 model at the chosen latent (compression applies to it)
    std::shared_ptr<const Model> original;  ///< the session's model: its reconstructions are the "FP32" column
    std::shared_ptr<const Dataset> data;
    uint64_t dataId = 0;                    ///< identifies `data` for the cache (a session id)
    QuantPlan plan;
    std::vector<int64_t> indices;           ///< held-out images to show (outside the set: skipped)
    bool errorVsBaseline = false;           ///< heat maps against the FP32 reconstruction instead of the image
    float lockedScale = 0.0f;               ///< > 0: this top of the colour scale instead of the data's
    std::shared_ptr<const Model> pinned;    ///< a configuration pinned as A, or null
};

/// @brief What does not change with the configuration: the images, their FP32 and A
/// reconstructions. Reused between renders of the same data and indices. Thread-safe.
class PreviewCache {
public:
    struct Fixed {
        std::vector<int64_t> indices;
        at::Tensor images;     ///< [K, C, H, W] in [0, 1]
        at::Tensor fp32;       ///< the original model's reconstructions
        std::shared_ptr<const Model> pinnedModel;
        at::Tensor pinned;     ///< A's reconstructions, or undefined
        uint64_t generation = 0;  ///< changes whenever images/fp32 or pinned change (for derived caches)
    };
    /// The fixed part for `r`, computed on first use.
    Fixed fixedFor(const PreviewRequest& r);

private:
    std::mutex m_mutex;
    uint64_t m_dataId = 0;
    Fixed m_fixed;
    uint64_t m_generation = 0;
};

/// @brief A rendered preview: the compressed model and everything shown per image.
struct PreviewRender {
    CompressedModel compressed;   ///< its model (a separate copy), sizes and warnings
    PreviewCache::Fixed fixed;    ///< images, FP32 and A reconstructions (shared with the cache)
    at::Tensor reconstructions;   ///< [R, C, H, W] of the compressed model, in [0, 1]: R = K, or fewer (first image, stopped render)
    at::Tensor errors;            ///< [R, H, W] |error| averaged over channels
    at::Tensor pinnedErrors;      ///< [K, H, W] for A, or undefined
    std::vector<double> mse, psnr, pinnedMse, pinnedPsnr, maxError;  ///< mse, psnr, maxError: R values; A's: K
    float scale = 1.0f;           ///< the top of the colour scale every heat map shares (of the R images and A's K)

    /// Images reconstructed so far: fixed.indices.size() when the render is complete.
    int64_t rendered() const { return reconstructions.defined() ? reconstructions.size(0) : 0; }
};

/// @brief How a preview of several images is shown as it is made (both optional).
struct PreviewProgress {
    /// Called with the first image's render before the others are reconstructed, so a large
    /// model's first picture can be shown at once.
    std::function<void(const PreviewRender& first)> firstImage;
    /// Asked before each further image; false: the render is no longer wanted and stops there
    /// (what renderPreview returns then holds the images made so far, rendered() < K).
    std::function<bool()> stillWanted;
};

/// Compresses `request.base` by the plan and reconstructs the images, as one batch; with
/// `progress.firstImage` and more than one image, one image at a time (the first handed over
/// at once), so a render no longer wanted stops within an image. Errors as compressModel or
/// the model's own (named).
Result<PreviewRender> renderPreview(const PreviewRequest& request, PreviewCache& cache, const PreviewProgress& progress = {});

}  // namespace pareto
