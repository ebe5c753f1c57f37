// SPDX-License-Identifier: Apache-2.0
#include "eval/metrics.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace pareto {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSsimC1 = (kSsimK1 * kDataRange) * (kSsimK1 * kDataRange);
constexpr double kSsimC2 = (kSsimK2 * kDataRange) * (kSsimK2 * kDataRange);
// The SSIM fast path filters 5 maps per channel: x, y, x^2, y^2, xy.
constexpr int64_t kSsimMoments = 5;
// Float64 values per input per chunk (512 KB): chunks stay in cache, and the work buffers
// are allocated once per call. Allocating fresh multi-MB tensors per chunk made glibc
// mmap/trim and fault pages on every chunk (10x slower with transparent huge pages).
constexpr int64_t kChunkValues = int64_t(1) << 16;

void checkPair(const at::Tensor& pred, const at::Tensor& target, const char* who) {
    TORCH_CHECK(pred.defined() && target.defined(), who, ": undefined tensor");
    TORCH_CHECK(pred.dim() == 4, who, ": expected [N, C, H, W], got pred of shape ", pred.sizes());
    TORCH_CHECK(pred.sizes() == target.sizes(), who, ": pred ", pred.sizes(), " and target ",
                target.sizes(), " differ in shape");
}

bool tooSmallForSsim(const at::Tensor& t) { return t.size(2) < kSsimWindow || t.size(3) < kSsimWindow; }

// Normalized 1-D Gaussian; the 2-D window is its outer product, so the 11x11 filter is
// two 1-D passes.
std::vector<double> gaussian1d() {
    std::vector<double> g(kSsimWindow);
    double total = 0;
    for (int i = 0; i < kSsimWindow; ++i) {
        const double d = i - kSsimWindow / 2;
        g[i] = std::exp(-(d * d) / (2 * kSsimSigma * kSsimSigma));
        total += g[i];
    }
    for (double& v : g) v /= total;
    return g;
}

// 'valid' 1-D filter along `dim` into `out`: a depthwise convolution written as 11 shifted
// multiply-adds. at::conv2d with groups=C was 4-8x slower here (im2col per group) for the
// same float64 result; tests hold this path to the scalar reference within 1e-9.
void filterValid(const at::Tensor& in, int64_t dim, const std::vector<double>& g, const at::Tensor& out) {
    const int64_t len = in.size(dim) - kSsimWindow + 1;
    out.copy_(in.narrow(dim, 0, len)).mul_(g[0]);
    for (int k = 1; k < kSsimWindow; ++k) out.add_(in.narrow(dim, k, len), g[static_cast<size_t>(k)]);
}

/// Float64 work buffers for one chunk of up to `cap` images, reused across chunks.
/// moments[0] and [1] hold x and y; with SSIM, [2..4] hold x^2, y^2, xy.
struct ChunkBuffers {
    ChunkBuffers(int64_t cap, int64_t c, int64_t h, int64_t w, bool ssim) {
        const auto opts = at::TensorOptions().dtype(at::kDouble);
        diff = at::empty({cap, c, h, w}, opts);
        moments = at::empty({ssim ? kSsimMoments : 2, cap, c, h, w}, opts);
        if (!ssim) return;
        const int64_t oh = h - kSsimWindow + 1, ow = w - kSsimWindow + 1;
        rows = at::empty({kSsimMoments, cap, c, h, ow}, opts);
        filtered = at::empty({kSsimMoments, cap, c, oh, ow}, opts);
        for (auto& t : tmp) t = at::empty({cap, c, oh, ow}, opts);
    }
    at::Tensor diff, moments, rows, filtered;
    at::Tensor tmp[3];
};

// Per-image MSE [len], accumulated in float64.
at::Tensor mseChunk(const at::Tensor& x, const at::Tensor& y, at::Tensor diff) {
    at::sub_out(diff, x, y);
    return diff.mul_(diff).mean({1, 2, 3});
}

// SSIM [len]; b.moments[0..1] already hold x and y for the first `len` images.
at::Tensor ssimChunk(ChunkBuffers& b, int64_t len, const std::vector<double>& g) {
    const auto m = b.moments.narrow(1, 0, len);
    const auto x = m[0], y = m[1];
    at::Tensor xx = m[2], yy = m[3], xy = m[4];
    at::mul_out(xx, x, x);
    at::mul_out(yy, y, y);
    at::mul_out(xy, x, y);
    const auto rows = b.rows.narrow(1, 0, len);
    const auto f = b.filtered.narrow(1, 0, len);
    filterValid(m, 4, g, rows);
    filterValid(rows, 3, g, f);
    const auto mx = f[0], my = f[1], exx = f[2], eyy = f[3], exy = f[4];
    at::Tensor num = b.tmp[0].narrow(0, 0, len), den = b.tmp[1].narrow(0, 0, len), t = b.tmp[2].narrow(0, 0, len);
    // In place to keep allocations out of the loop:
    // ((2 mx my + C1)(2 sxy + C2)) / ((mx^2 + my^2 + C1)(sxx + syy + C2)), s = E[..] - products.
    at::mul_out(num, mx, my);
    at::sub_out(t, exy, num).mul_(2).add_(kSsimC2);
    num.mul_(2).add_(kSsimC1).mul_(t);
    at::mul_out(den, mx, mx).addcmul_(my, my);
    at::add_out(t, exx, eyy).sub_(den).add_(kSsimC2);
    den.add_(kSsimC1).mul_(t);
    return num.div_(den).mean({2, 3}).mean(1);
}

int64_t chunkImages(const at::Tensor& t) {
    return std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, t.size(1) * t.size(2) * t.size(3)));
}

// Runs `fn(start, len, mse, ssim)` over chunks; ssim is NaN when the images are too small.
template <class Fn>
void forEachChunk(const at::Tensor& pred, const at::Tensor& target, bool wantMse, Fn fn) {
    const int64_t n = pred.size(0);
    if (n == 0) return;
    const bool ssim = !tooSmallForSsim(pred);
    const int64_t cap = std::min(n, chunkImages(pred));
    ChunkBuffers b(cap, pred.size(1), pred.size(2), pred.size(3), ssim);
    const auto g = gaussian1d();
    for (int64_t start = 0; start < n; start += cap) {
        const int64_t len = std::min(cap, n - start);
        const auto x = b.moments[0].narrow(0, 0, len), y = b.moments[1].narrow(0, 0, len);
        // copy_ converts dtype/device/layout into the float64 buffers.
        x.copy_(pred.narrow(0, start, len));
        y.copy_(target.narrow(0, start, len));
        const at::Tensor mse = wantMse ? mseChunk(x, y, b.diff.narrow(0, 0, len)) : at::Tensor();
        const at::Tensor s = ssim ? ssimChunk(b, len, g) : at::full({len}, kNaN, at::kDouble);
        fn(start, len, mse, s);
    }
}

}  // namespace

void PerImageMetrics::append(const PerImageMetrics& other) {
    mse.insert(mse.end(), other.mse.begin(), other.mse.end());
    psnr.insert(psnr.end(), other.psnr.begin(), other.psnr.end());
    ssim.insert(ssim.end(), other.ssim.begin(), other.ssim.end());
}

double psnrFromMse(double mse) {
    if (std::isnan(mse)) return mse;
    if (mse <= 0) return kMaxPsnr;
    return std::min(kMaxPsnr, 10.0 * std::log10(kDataRange * kDataRange / mse));
}

PerImageMetrics computeMetrics(const at::Tensor& pred, const at::Tensor& target) {
    checkPair(pred, target, "computeMetrics");
    at::NoGradGuard noGrad;
    const auto n = static_cast<size_t>(pred.size(0));
    PerImageMetrics out;
    out.mse.reserve(n);
    out.psnr.reserve(n);
    out.ssim.reserve(n);
    forEachChunk(pred, target, true, [&](int64_t, int64_t len, const at::Tensor& mse, const at::Tensor& ssim) {
        const auto mc = mse.contiguous(), sc = ssim.contiguous();
        const double* pm = mc.data_ptr<double>();
        const double* ps = sc.data_ptr<double>();
        for (int64_t i = 0; i < len; ++i) {
            out.mse.push_back(pm[i]);
            out.psnr.push_back(psnrFromMse(pm[i]));
            out.ssim.push_back(ps[i]);
        }
    });
    return out;
}

at::Tensor ssimPerImage(const at::Tensor& pred, const at::Tensor& target) {
    checkPair(pred, target, "ssimPerImage");
    at::NoGradGuard noGrad;
    auto out = at::empty({pred.size(0)}, at::kDouble);
    forEachChunk(pred, target, false, [&](int64_t start, int64_t len, const at::Tensor&, const at::Tensor& ssim) {
        out.narrow(0, start, len).copy_(ssim);
    });
    return out;
}

std::vector<double> ssimPerImageReference(const at::Tensor& pred, const at::Tensor& target) {
    checkPair(pred, target, "ssimPerImageReference");
    const auto xs = pred.to(at::kCPU, at::kDouble).contiguous();
    const auto ys = target.to(at::kCPU, at::kDouble).contiguous();
    const int64_t n = xs.size(0), c = xs.size(1), h = xs.size(2), w = xs.size(3);
    if (h < kSsimWindow || w < kSsimWindow) return std::vector<double>(static_cast<size_t>(n), kNaN);

    // The 2-D window built directly (not as an outer product) so the two paths share nothing.
    constexpr int k = kSsimWindow;
    constexpr int half = k / 2;
    double win[k][k];
    double total = 0;
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
            const double d2 = double((i - half) * (i - half) + (j - half) * (j - half));
            win[i][j] = std::exp(-d2 / (2 * kSsimSigma * kSsimSigma));
            total += win[i][j];
        }
    for (auto& row : win)
        for (double& v : row) v /= total;

    const double* xd = xs.data_ptr<double>();
    const double* yd = ys.data_ptr<double>();
    const int64_t oh = h - k + 1, ow = w - k + 1;
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t b = 0; b < n; ++b) {
        double channelSum = 0;
        for (int64_t ch = 0; ch < c; ++ch) {
            const double* x = xd + (b * c + ch) * h * w;
            const double* y = yd + (b * c + ch) * h * w;
            double mapSum = 0;
            for (int64_t r = 0; r < oh; ++r)
                for (int64_t q = 0; q < ow; ++q) {
                    double mx = 0, my = 0;
                    for (int i = 0; i < k; ++i)
                        for (int j = 0; j < k; ++j) {
                            mx += win[i][j] * x[(r + i) * w + q + j];
                            my += win[i][j] * y[(r + i) * w + q + j];
                        }
                    double sxx = 0, syy = 0, sxy = 0;
                    for (int i = 0; i < k; ++i)
                        for (int j = 0; j < k; ++j) {
                            const double dx = x[(r + i) * w + q + j] - mx;
                            const double dy = y[(r + i) * w + q + j] - my;
                            sxx += win[i][j] * dx * dx;
                            syy += win[i][j] * dy * dy;
                            sxy += win[i][j] * dx * dy;
                        }
                    mapSum += ((2 * mx * my + kSsimC1) * (2 * sxy + kSsimC2)) /
                              ((mx * mx + my * my + kSsimC1) * (sxx + syy + kSsimC2));
                }
            channelSum += mapSum / double(oh * ow);
        }
        out[static_cast<size_t>(b)] = channelSum / double(c);
    }
    return out;
}

}  // namespace pareto
