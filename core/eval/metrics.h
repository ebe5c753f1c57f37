// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-image reconstruction quality: MSE, PSNR and SSIM, computed in float64.

#include <ATen/core/Tensor.h>

#include <vector>

namespace pareto {

/// @brief Per-image quality of a reconstruction, one value per image.
struct PerImageMetrics {
    std::vector<double> mse;   ///< mean over pixels and channels
    std::vector<double> psnr;  ///< 10 log10(1 / mse), data range 1; capped at kMaxPsnr when mse == 0
    std::vector<double> ssim;  ///< Wang et al.: Gaussian 11x11, sigma 1.5, K1 .01, K2 .03, L 1, valid region, mean over channels
    size_t size() const { return mse.size(); }
    void append(const PerImageMetrics& other);
};

/// PSNR reported for a perfect reconstruction; also the cap for tiny non-zero MSEs.
inline constexpr double kMaxPsnr = 100.0;

/// SSIM constants (Wang et al. 2004).
inline constexpr int kSsimWindow = 11;
inline constexpr double kSsimSigma = 1.5;
inline constexpr double kSsimK1 = 0.01;
inline constexpr double kSsimK2 = 0.03;
inline constexpr double kDataRange = 1.0;

/// 10 log10(range^2 / mse) with range 1, min(..., kMaxPsnr); mse == 0 gives kMaxPsnr, NaN stays NaN.
double psnrFromMse(double mse);

/// Metrics of `pred` against `target`, both [N, C, H, W] float in the same range.
/// Any dtype/layout; computed in float64 in chunks of images so memory stays bounded.
/// Shapes must match: a mismatch is a caller bug and throws c10::Error (evaluateModel
/// checks first and reports it as an Error). Images smaller than 11 in H or W: SSIM is NaN
/// (undefined for the standard window; we do not silently switch definitions).
PerImageMetrics computeMetrics(const at::Tensor& pred, const at::Tensor& target);

/// @brief The target side of a batch's metrics, prepared once by prepareTargetMoments and
/// shared by every model measured on that batch (a sweep measures ten or more copies on the
/// same images): the float64 target and, per SSIM window, its Gaussian-filtered mean and
/// second moment, which are two of the five filtered maps SSIM needs. Read-only once built.
struct TargetMoments {
    at::Tensor target;             ///< float64 [N, C, H, W], contiguous
    std::vector<double> mean;      ///< [N, C, H - 10, W - 10]: filtered target (empty when too small for SSIM)
    std::vector<double> square;    ///< the same for the squared target
};

/// Prepares `target` ([N, C, H, W], any float dtype) for computeMetrics(pred, moments).
TargetMoments prepareTargetMoments(const at::Tensor& target);

/// computeMetrics against prepared moments: the same numbers, bit for bit (the same filter
/// taps in the same order), with the target's share of the work already done.
PerImageMetrics computeMetrics(const at::Tensor& pred, const TargetMoments& target);

/// Per-image SSIM [N] float64. Fast path: the Gaussian window applied as two 'valid' 1-D
/// passes in one fused float64 kernel per channel plane (AVX2+FMA where the CPU has it).
/// NaN per image when H or W < kSsimWindow. Throws c10::Error on a shape mismatch.
at::Tensor ssimPerImage(const at::Tensor& pred, const at::Tensor& target);
/// Plain scalar reference of ssimPerImage (direct 11x11 window sums, two-pass variances), for tests.
std::vector<double> ssimPerImageReference(const at::Tensor& pred, const at::Tensor& target);

}  // namespace pareto
