#pragma once

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

inline constexpr double kMaxPsnr = 100.0;

/// Metrics of `pred` against `target`, both [N, C, H, W] float in the same range.
PerImageMetrics computeMetrics(const at::Tensor& pred, const at::Tensor& target);

/// Per-image SSIM [N] (fast path, ATen convolutions).
at::Tensor ssimPerImage(const at::Tensor& pred, const at::Tensor& target);
/// Plain scalar reference of ssimPerImage, for tests.
std::vector<double> ssimPerImageReference(const at::Tensor& pred, const at::Tensor& target);

}  // namespace pareto
