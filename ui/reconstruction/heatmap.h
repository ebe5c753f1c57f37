// SPDX-License-Identifier: Apache-2.0
#pragma once
// The |error| colour scale: OpenCV's perceptually uniform "inferno" map (black, purple, red,
// yellow). OpenCV stays in heatmap.cpp; callers see QImages only. Any thread.

#include <QImage>

namespace pareto::ui {

/// Colour-maps an 8-bit grey image (0 = no error, 255 = the top of the shared scale).
/// Returns RGB888; a null image for a null or non-grey input.
QImage applyHeatmap(const QImage& gray8);

/// The colour scale itself: 256 x 1 RGB888, left = 0, right = the top of the scale.
QImage heatmapRamp();

}  // namespace pareto::ui
