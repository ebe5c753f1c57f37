// SPDX-License-Identifier: Apache-2.0
#include "reconstruction/heatmap.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>

namespace pareto::ui {
namespace {

constexpr int kColormap = cv::COLORMAP_INFERNO;

}  // namespace

QImage applyHeatmap(const QImage& gray8) {
    if (gray8.isNull() || gray8.format() != QImage::Format_Grayscale8) return {};
    // Wrap the QImage rows without copying (its lines are 4-byte aligned: pass the stride).
    const cv::Mat src(gray8.height(), gray8.width(), CV_8UC1, const_cast<uchar*>(gray8.constBits()),
                      static_cast<size_t>(gray8.bytesPerLine()));
    cv::Mat bgr, rgb;
    cv::applyColorMap(src, bgr, kColormap);
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    QImage out(rgb.cols, rgb.rows, QImage::Format_RGB888);
    for (int y = 0; y < rgb.rows; ++y) std::memcpy(out.scanLine(y), rgb.ptr(y), static_cast<size_t>(rgb.cols) * 3);
    return out;
}

QImage heatmapRamp() {
    QImage ramp(256, 1, QImage::Format_Grayscale8);
    for (int x = 0; x < 256; ++x) ramp.scanLine(0)[x] = static_cast<uchar>(x);
    return applyHeatmap(ramp);
}

}  // namespace pareto::ui
