// SPDX-License-Identifier: Apache-2.0
#include "compress/previewrenderer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

namespace pareto {
namespace {

// Per-image MSE (mean over channels and pixels, in float64 as the metrics) of [N,C,H,W].
std::vector<double> perImageMse(const at::Tensor& pred, const at::Tensor& target) {
    const at::Tensor m = (pred.to(at::kDouble) - target.to(at::kDouble)).pow(2).mean({1, 2, 3}).contiguous();
    return std::vector<double>(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
}

std::vector<double> psnrOf(const std::vector<double>& mse) {
    std::vector<double> out;
    for (double m : mse) out.push_back(psnrFromMse(m));
    return out;
}

}  // namespace

PreviewCache::Fixed PreviewCache::fixedFor(const PreviewRequest& r) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<int64_t> idx;
    for (int64_t i : r.indices)
        if (i >= 0 && i < r.data->size()) idx.push_back(i);
    at::NoGradGuard noGrad;
    if (m_dataId != r.dataId || m_fixed.indices != idx || !m_fixed.images.defined()) {
        m_dataId = r.dataId;
        m_fixed = Fixed{};
        m_fixed.indices = idx;
        if (!idx.empty()) {
            m_fixed.images = r.data->select(idx);
            m_fixed.fp32 = r.original->reconstruct(m_fixed.images).to(at::kFloat);
        }
        m_fixed.generation = ++m_generation;
    }
    if (m_fixed.pinnedModel != r.pinned) {
        m_fixed.pinnedModel = r.pinned;
        m_fixed.pinned = r.pinned && m_fixed.images.defined() ? r.pinned->reconstruct(m_fixed.images).to(at::kFloat) : at::Tensor();
        m_fixed.generation = ++m_generation;
    }
    return m_fixed;
}

namespace {

// Errors, metrics and the colour scale of the reconstructions `out` holds (the first R of
// the fixed images); A's for all K (fixed, so known from the start).
void measure(PreviewRender& out, const PreviewRequest& r) {
    const int64_t k = out.reconstructions.size(0);
    const at::Tensor x = out.fixed.images.narrow(0, 0, k);
    out.mse = perImageMse(out.reconstructions, x);
    out.psnr = psnrOf(out.mse);
    out.errors = (out.reconstructions - (r.errorVsBaseline ? out.fixed.fp32.narrow(0, 0, k) : x)).abs().mean(1);
    if (out.fixed.pinned.defined() && !out.pinnedErrors.defined()) {
        const at::Tensor& all = out.fixed.images;
        out.pinnedErrors = (out.fixed.pinned - (r.errorVsBaseline ? out.fixed.fp32 : all)).abs().mean(1);
        out.pinnedMse = perImageMse(out.fixed.pinned, all);
        out.pinnedPsnr = psnrOf(out.pinnedMse);
    }
    float scale = r.lockedScale;
    if (!(scale > 0.0f)) {
        scale = out.errors.max().item<float>();
        if (out.pinnedErrors.defined()) scale = std::max(scale, out.pinnedErrors.max().item<float>());
    }
    out.scale = std::max(scale, 1e-6f);
    const at::Tensor maxError = out.errors.amax({1, 2}).to(at::kDouble).contiguous();
    out.maxError.assign(maxError.data_ptr<double>(), maxError.data_ptr<double>() + maxError.numel());
}

}  // namespace

Result<PreviewRender> renderPreview(const PreviewRequest& r, PreviewCache& cache, const PreviewProgress& progress) {
    if (!r.base || !r.original || !r.data) return fail("preview: no model or data");
    PreviewRender out;
    auto compressed = compressModel(*r.base, r.plan);
    if (!compressed) return compressed.error();
    out.compressed = std::move(*compressed);
    try {
        out.fixed = cache.fixedFor(r);
        if (out.fixed.indices.empty()) return out;
        at::NoGradGuard noGrad;
        const at::Tensor& x = out.fixed.images;
        const Model& model = *out.compressed.model;
        const int64_t k = x.size(0);
        if (progress.firstImage && k > 1) {
            // One image at a time: the first is shown at once, and a newer request waits at
            // most one image (a large model's batch of eight is no faster per image here).
            out.reconstructions = model.reconstruct(x.narrow(0, 0, 1)).to(at::kFloat);
            measure(out, r);
            progress.firstImage(out);
            std::vector<at::Tensor> made{out.reconstructions};
            for (int64_t i = 1; i < k; ++i) {
                if (progress.stillWanted && !progress.stillWanted()) break;
                made.push_back(model.reconstruct(x.narrow(0, i, 1)).to(at::kFloat));
            }
            if (made.size() == 1) return out;
            out.reconstructions = at::cat(made);
        } else {
            out.reconstructions = model.reconstruct(x).to(at::kFloat);
        }
        measure(out, r);
    } catch (const std::exception& e) {
        std::string msg = e.what();
        return fail(r.base->describe() + ": " + msg.substr(0, msg.find('\n')));
    }
    return out;
}

}  // namespace pareto
