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
// The SSIM kernel filters 5 maps per channel: x, y, x^2, y^2, xy.
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

/// Float64 work buffers for one chunk of up to `cap` images, reused across chunks:
/// moments[0] and [1] hold x and y.
struct ChunkBuffers {
    ChunkBuffers(int64_t cap, int64_t c, int64_t h, int64_t w) {
        const auto opts = at::TensorOptions().dtype(at::kDouble);
        diff = at::empty({cap, c, h, w}, opts);
        moments = at::empty({2, cap, c, h, w}, opts);
    }
    at::Tensor diff, moments;
};

// Per-image MSE [len], accumulated in float64.
at::Tensor mseChunk(const at::Tensor& x, const at::Tensor& y, at::Tensor diff) {
    at::sub_out(diff, x, y);
    return diff.mul_(diff).mean({1, 2, 3});
}

/// Per-thread scratch of the SSIM kernel: the row-filtered moments of one plane.
struct SsimScratch {
    std::vector<double> rows;  // 5 moments x h x ow
    std::vector<double> prod;  // 3 products x w (x^2, y^2, xy of one input row)
};

// Mean SSIM of one h x w plane pair (x = prediction, y = target, float64, row-major) over
// the valid (h - 10) x (w - 10) map: the Gaussian as two 'valid' 1-D passes (rows, then
// columns), taps added in order k = 0..10, then the SSIM formula per pixel. One fused pass
// per plane keeps the moments in cache: the same filter as ~110 ATen ops per chunk spent
// most of a sweep's time streaming float64 maps through memory.
// One output of a 'valid' 11-tap filter: taps added in order k = 0..10 (as the scalar
// reference's window sums), `stride` apart. Fully unrolled so the loop around it vectorizes
// over outputs with the sum in a register.
__attribute__((always_inline)) inline double tap11(const double* in, int64_t stride, const double* g) {
    double acc = in[0] * g[0];
#pragma GCC unroll 11
    for (int k = 1; k < kSsimWindow; ++k) acc += in[k * stride] * g[k];
    return acc;
}

// kRef: the target's filtered mean and second moment come precomputed (refMean, refSquare,
// [oh, ow] each, from targetPlaneKernel) and only the prediction's three maps are filtered.
template <bool kRef>
__attribute__((always_inline)) inline double ssimPlaneKernel(const double* x, const double* y, const double* refMean,
                                                             const double* refSquare, int64_t h, int64_t w, const double* g,
                                                             SsimScratch& s) {
    constexpr int64_t kFiltered = kRef ? 3 : kSsimMoments;
    const int64_t oh = h - kSsimWindow + 1, ow = w - kSsimWindow + 1;
    s.rows.resize(static_cast<size_t>(kFiltered * h * ow));
    s.prod.resize(static_cast<size_t>(3 * w));
    double* rows = s.rows.data();
    double* prod = s.prod.data();
    const int64_t plane = h * ow;
    // Rows: each moment filtered along W into rows[m][r][0..ow).
    for (int64_t r = 0; r < h; ++r) {
        const double* xr = x + r * w;
        const double* yr = y + r * w;
        for (int64_t q = 0; q < w; ++q) {
            prod[q] = xr[q] * xr[q];
            if (!kRef) prod[w + q] = yr[q] * yr[q];
            prod[2 * w + q] = xr[q] * yr[q];
        }
        const double* src[kSsimMoments] = {xr, yr, prod, prod + w, prod + 2 * w};
        if (kRef) {
            src[1] = prod;
            src[2] = prod + 2 * w;
        }
        for (int64_t m = 0; m < kFiltered; ++m) {
            double* __restrict out = rows + m * plane + r * ow;
            const double* __restrict in = src[m];
            for (int64_t q = 0; q < ow; ++q) out[q] = tap11(in + q, 1, g);
        }
    }
    // Columns, and the SSIM formula on the five filtered moments of each output pixel.
    const double* rx = rows;
    const double* ry = rows + plane;
    const double* rxx = rows + (kRef ? 1 : 2) * plane;
    const double* ryy = rows + 3 * plane;
    const double* rxy = rows + (kRef ? 2 : 4) * plane;
    double total = 0;
    for (int64_t o = 0; o < oh; ++o) {
        const int64_t at = o * ow;
        double rowSum = 0;
        for (int64_t q = 0; q < ow; ++q) {
            const double mx = tap11(rx + at + q, ow, g);
            const double my = kRef ? refMean[at + q] : tap11(ry + at + q, ow, g);
            const double exx = tap11(rxx + at + q, ow, g);
            const double eyy = kRef ? refSquare[at + q] : tap11(ryy + at + q, ow, g);
            const double exy = tap11(rxy + at + q, ow, g);
            // ((2 mx my + C1)(2 sxy + C2)) / ((mx^2 + my^2 + C1)(sxx + syy + C2)), s = E[..] - products.
            const double mxy = mx * my;
            const double num = (mxy * 2 + kSsimC1) * ((exy - mxy) * 2 + kSsimC2);
            const double m2 = mx * mx + my * my;
            const double den = (m2 + kSsimC1) * (exx + eyy - m2 + kSsimC2);
            rowSum += num / den;
        }
        total += rowSum;
    }
    return total / static_cast<double>(oh * ow);
}

// The target's two filtered maps of one plane, into mean and square ([oh, ow] each): the
// same taps, in the same order, as ssimPlaneKernel<false> applies to them.
__attribute__((always_inline)) inline void targetPlaneKernel(const double* y, int64_t h, int64_t w, const double* g, SsimScratch& s,
                                                             double* mean, double* square) {
    const int64_t oh = h - kSsimWindow + 1, ow = w - kSsimWindow + 1;
    s.rows.resize(static_cast<size_t>(2 * h * ow));
    s.prod.resize(static_cast<size_t>(w));
    double* rows = s.rows.data();
    double* prod = s.prod.data();
    const int64_t plane = h * ow;
    for (int64_t r = 0; r < h; ++r) {
        const double* yr = y + r * w;
        for (int64_t q = 0; q < w; ++q) prod[q] = yr[q] * yr[q];
        double* __restrict outY = rows + r * ow;
        double* __restrict outYY = rows + plane + r * ow;
        for (int64_t q = 0; q < ow; ++q) outY[q] = tap11(yr + q, 1, g);
        for (int64_t q = 0; q < ow; ++q) outYY[q] = tap11(prod + q, 1, g);
    }
    for (int64_t o = 0; o < oh; ++o) {
        const int64_t at = o * ow;
        for (int64_t q = 0; q < ow; ++q) mean[at + q] = tap11(rows + at + q, ow, g);
        for (int64_t q = 0; q < ow; ++q) square[at + q] = tap11(rows + plane + at + q, ow, g);
    }
}

// The kernels compiled for AVX2 + FMA, used where the CPU has both (checked once at run
// time): FMA rounds a product once, so the two builds agree within a few ulp (tests hold
// both to the scalar reference at 1e-9). target_clones("arch=...") would pick by CPU model
// and miss AMD's.
template <bool kRef>
__attribute__((target("avx2,fma"))) double ssimPlaneAvx2(const double* x, const double* y, const double* refMean,
                                                         const double* refSquare, int64_t h, int64_t w, const double* g, SsimScratch& s) {
    return ssimPlaneKernel<kRef>(x, y, refMean, refSquare, h, w, g, s);
}

template <bool kRef>
double ssimPlaneBaseline(const double* x, const double* y, const double* refMean, const double* refSquare, int64_t h, int64_t w,
                         const double* g, SsimScratch& s) {
    return ssimPlaneKernel<kRef>(x, y, refMean, refSquare, h, w, g, s);
}

__attribute__((target("avx2,fma"))) void targetPlaneAvx2(const double* y, int64_t h, int64_t w, const double* g, SsimScratch& s,
                                                         double* mean, double* square) {
    targetPlaneKernel(y, h, w, g, s, mean, square);
}

void targetPlaneBaseline(const double* y, int64_t h, int64_t w, const double* g, SsimScratch& s, double* mean, double* square) {
    targetPlaneKernel(y, h, w, g, s, mean, square);
}

bool haveAvx2() {
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return avx2;
}

// refMean and refSquare null: the plain kernel; both set: the prepared target's maps.
double ssimPlane(const double* x, const double* y, const double* refMean, const double* refSquare, int64_t h, int64_t w,
                 const double* g, SsimScratch& s) {
    if (refMean)
        return haveAvx2() ? ssimPlaneAvx2<true>(x, y, refMean, refSquare, h, w, g, s)
                          : ssimPlaneBaseline<true>(x, y, refMean, refSquare, h, w, g, s);
    return haveAvx2() ? ssimPlaneAvx2<false>(x, y, nullptr, nullptr, h, w, g, s)
                      : ssimPlaneBaseline<false>(x, y, nullptr, nullptr, h, w, g, s);
}

// SSIM [len] of images whose float64 x and y (contiguous [len, c, h, w]) are at `x`, `y`;
// refMean / refSquare (or null): the prepared target maps of the same images, [len, c, oh, ow].
at::Tensor ssimChunk(const double* x, const double* y, const double* refMean, const double* refSquare, int64_t len, int64_t c,
                     int64_t h, int64_t w, const std::vector<double>& g) {
    thread_local SsimScratch scratch;
    auto out = at::empty({len}, at::kDouble);
    double* o = out.data_ptr<double>();
    const int64_t planeSize = h * w;
    const int64_t mapSize = (h - kSsimWindow + 1) * (w - kSsimWindow + 1);
    for (int64_t i = 0; i < len; ++i) {
        double channelSum = 0;
        for (int64_t ch = 0; ch < c; ++ch) {
            const int64_t first = (i * c + ch) * planeSize;
            const int64_t map = (i * c + ch) * mapSize;
            channelSum += ssimPlane(x + first, y + first, refMean ? refMean + map : nullptr, refSquare ? refSquare + map : nullptr, h, w,
                                    g.data(), scratch);
        }
        o[i] = channelSum / static_cast<double>(c);
    }
    return out;
}

int64_t chunkImages(const at::Tensor& t) {
    return std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, t.size(1) * t.size(2) * t.size(3)));
}

// Runs `fn(start, len, mse, ssim)` over chunks; ssim is NaN when the images are too small.
// With `ref` (prepared from `target`), the target's float64 values and filtered maps are read
// from it instead of being made per chunk.
template <class Fn>
void forEachChunk(const at::Tensor& pred, const at::Tensor& target, const TargetMoments* ref, bool wantMse, Fn fn) {
    const int64_t n = pred.size(0);
    if (n == 0) return;
    const bool ssim = !tooSmallForSsim(pred);
    const int64_t cap = std::min(n, chunkImages(pred));
    const int64_t c = pred.size(1), h = pred.size(2), w = pred.size(3);
    const int64_t mapValues = ssim ? c * (h - kSsimWindow + 1) * (w - kSsimWindow + 1) : 0;
    ChunkBuffers b(cap, c, h, w);
    const auto g = gaussian1d();
    for (int64_t start = 0; start < n; start += cap) {
        const int64_t len = std::min(cap, n - start);
        const auto x = b.moments[0].narrow(0, 0, len);
        at::Tensor y = b.moments[1].narrow(0, 0, len);
        // copy_ converts dtype/device/layout into the float64 buffers.
        x.copy_(pred.narrow(0, start, len));
        if (ref) y = ref->target.narrow(0, start, len);
        else y.copy_(target.narrow(0, start, len));
        const double* refMean = ref && ssim ? ref->mean.data() + start * mapValues : nullptr;
        const double* refSquare = ref && ssim ? ref->square.data() + start * mapValues : nullptr;
        const at::Tensor mse = wantMse ? mseChunk(x, y, b.diff.narrow(0, 0, len)) : at::Tensor();
        const at::Tensor s = ssim ? ssimChunk(x.data_ptr<double>(), y.data_ptr<double>(), refMean, refSquare, len, c, h, w, g)
                                  : at::full({len}, kNaN, at::kDouble);
        fn(start, len, mse, s);
    }
}

PerImageMetrics metricsOf(const at::Tensor& pred, const at::Tensor& target, const TargetMoments* ref) {
    at::NoGradGuard noGrad;
    const auto n = static_cast<size_t>(pred.size(0));
    PerImageMetrics out;
    out.mse.reserve(n);
    out.psnr.reserve(n);
    out.ssim.reserve(n);
    forEachChunk(pred, target, ref, true, [&](int64_t, int64_t len, const at::Tensor& mse, const at::Tensor& ssim) {
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
    return metricsOf(pred, target, nullptr);
}

TargetMoments prepareTargetMoments(const at::Tensor& target) {
    TORCH_CHECK(target.defined() && target.dim() == 4, "prepareTargetMoments: expected [N, C, H, W]");
    at::NoGradGuard noGrad;
    TargetMoments m;
    m.target = target.to(at::kCPU, at::kDouble).contiguous();
    if (tooSmallForSsim(m.target)) return m;
    const int64_t n = m.target.size(0), c = m.target.size(1), h = m.target.size(2), w = m.target.size(3);
    const int64_t mapSize = (h - kSsimWindow + 1) * (w - kSsimWindow + 1);
    m.mean.resize(static_cast<size_t>(n * c * mapSize));
    m.square.resize(m.mean.size());
    const auto g = gaussian1d();
    thread_local SsimScratch scratch;
    const double* y = m.target.data_ptr<double>();
    for (int64_t p = 0; p < n * c; ++p) {
        if (haveAvx2()) targetPlaneAvx2(y + p * h * w, h, w, g.data(), scratch, m.mean.data() + p * mapSize, m.square.data() + p * mapSize);
        else targetPlaneBaseline(y + p * h * w, h, w, g.data(), scratch, m.mean.data() + p * mapSize, m.square.data() + p * mapSize);
    }
    return m;
}

PerImageMetrics computeMetrics(const at::Tensor& pred, const TargetMoments& target) {
    checkPair(pred, target.target, "computeMetrics");
    return metricsOf(pred, target.target, &target);
}

at::Tensor ssimPerImage(const at::Tensor& pred, const at::Tensor& target) {
    checkPair(pred, target, "ssimPerImage");
    at::NoGradGuard noGrad;
    auto out = at::empty({pred.size(0)}, at::kDouble);
    forEachChunk(pred, target, nullptr, false, [&](int64_t start, int64_t len, const at::Tensor&, const at::Tensor& ssim) {
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
