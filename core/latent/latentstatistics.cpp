// SPDX-License-Identifier: Apache-2.0
#include "latent/latentstatistics.h"

#include "latent/symmetriceigen.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cmath>
#include <limits>

namespace pareto {
namespace {

// Running mean and centred cross-product matrix M2 = sum (x - mean)(x - mean)^T.
struct Moments {
    int64_t n = 0;
    at::Tensor mean;  // [L] f64
    at::Tensor m2;    // [L, L] f64

    void add(const at::Tensor& batch) {  // [B, L] f64
        const int64_t nb = batch.size(0);
        if (nb == 0) return;
        const at::Tensor bm = batch.mean(0);
        const at::Tensor centred = batch - bm;
        const at::Tensor bm2 = centred.t().mm(centred);
        if (n == 0) {
            n = nb;
            mean = bm;
            m2 = bm2;
            return;
        }
        const double na = static_cast<double>(n), nbd = static_cast<double>(nb), nt = na + nbd;
        const at::Tensor delta = bm - mean;
        mean = mean + delta * (nbd / nt);
        m2 = m2 + bm2 + at::outer(delta, delta) * (na * nbd / nt);
        n += nb;
    }
};

Result<LatentStatistics> finish(const Moments& m, const std::string& identity) {
    if (m.n < 2) return fail("latent statistics need at least 2 images, got " + std::to_string(m.n) +
                             (identity.empty() ? "" : " (" + identity + ")"));
    LatentStatistics s;
    s.latentDim = m.mean.size(0);
    s.n = m.n;
    s.dataIdentity = identity;
    s.mean = m.mean.clone();
    at::Tensor cov = m.m2 / static_cast<double>(m.n - 1);
    cov = (0.5 * (cov + cov.t())).contiguous();
    s.covariance = cov;

    const int64_t L = s.latentDim;
    std::vector<double> a(cov.data_ptr<double>(), cov.data_ptr<double>() + L * L);
    auto eig = symmetricEigen(a, L);
    if (!eig) return fail("latent covariance: " + eig.error().message);
    s.eigenvalues = at::empty({L}, at::kDouble);
    s.components = at::empty({L, L}, at::kDouble);
    // Rounding can leave a zero-variance direction slightly negative; a variance is >= 0.
    for (int64_t j = 0; j < L; ++j) s.eigenvalues[j] = std::max(0.0, eig->values[static_cast<size_t>(j)]);
    std::copy(eig->vectors.begin(), eig->vectors.end(), s.components.data_ptr<double>());
    return s;
}

}  // namespace

double LatentStatistics::explainedVariance(int64_t k) const {
    if (k < 0 || k > latentDim || !eigenvalues.defined()) return std::numeric_limits<double>::quiet_NaN();
    const double total = eigenvalues.sum().item<double>();
    if (!(total > 0)) return 1.0;
    if (k == 0) return 0.0;
    return std::min(1.0, eigenvalues.slice(0, 0, k).sum().item<double>() / total);
}

std::vector<double> LatentStatistics::explainedVarianceCurve() const {
    std::vector<double> out;
    for (int64_t k = 1; k <= latentDim; ++k) out.push_back(explainedVariance(k));
    return out;
}

Result<LatentStatistics> latentStatisticsFromSamples(const at::Tensor& mu, const std::string& dataIdentity) {
    if (!mu.defined() || mu.dim() != 2) return fail("latent samples must be a [N, L] matrix");
    const at::Tensor x = mu.to(at::kCPU, at::kDouble).contiguous();
    if (!at::isfinite(x).all().item<bool>()) return fail("latent samples contain NaN or inf");
    Moments m;
    m.add(x);
    return finish(m, dataIdentity);
}

Result<LatentStatistics> collectLatentStatistics(const Model& model, const Dataset& data, int batchSize,
                                                 const ProgressSink& progress) {
    // A codebook latent is reduced by a PCA of its codes (every position decodes from one of
    // them), not of the encoder's outputs: the data is not needed.
    if (const LatentInfo latent = model.info().latent; latent.kind == LatentKind::Codebook) {
        // The codes are the model's Embedding tensor of the latent's shape [K, L].
        at::Tensor codes;
        for (const ModelTensor& t : model.tensors())
            if (t.layer == LayerKind::Embedding && t.tensor.sizes().vec() == latent.shape) codes = t.tensor;
        if (!codes.defined()) return fail("latent statistics: " + model.describe() + " has no embedding tensor holding its codebook");
        progress.update(1.0, "codebook statistics");
        return latentStatisticsFromSamples(codes.detach(), "the " + std::to_string(codes.size(0)) + " codes of the codebook");
    }
    const int64_t n = data.size();
    const std::string name = data.identity.empty() ? std::string("calibration data") : "'" + data.identity + "'";
    if (n < 2) return fail("latent statistics need at least 2 images, " + name + " has " + std::to_string(n));
    if (batchSize < 1) return fail("latent statistics: batch size must be at least 1");
    at::NoGradGuard noGrad;
    Moments m;
    for (int64_t lo = 0; lo < n; lo += batchSize) {
        if (!progress.update(static_cast<double>(lo) / static_cast<double>(n), "collecting latent statistics"))
            return Error::cancelled();
        const int64_t len = std::min<int64_t>(batchSize, n - lo);
        at::Tensor mu;
        try {
            mu = model.encode(data.batch(lo, len));
        } catch (const c10::Error& e) {
            return fail("latent statistics: model failed on images [" + std::to_string(lo) + ", " + std::to_string(lo + len) +
                        ") of " + name + ": " + e.what_without_backtrace());
        }
        if (!mu.defined() || (mu.dim() != 2 && mu.dim() != 4) || mu.size(0) != len)
            return fail("latent statistics: encode did not return [N, L] or [N, C, h, w] for " + name);
        // A spatial latent's samples are the C-vectors of every position.
        const at::Tensor x = (mu.dim() == 4 ? mu.permute({0, 2, 3, 1}).reshape({-1, mu.size(1)}) : mu).to(at::kCPU, at::kDouble);
        if (!at::isfinite(x).all().item<bool>())
            return fail("latent statistics: the model's mu is NaN or inf on images [" + std::to_string(lo) + ", " +
                        std::to_string(lo + len) + ") of " + name);
        m.add(x);
    }
    progress.update(1.0, "collecting latent statistics");
    return finish(m, data.identity);
}

}  // namespace pareto
