// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/imagesource.h"

#include <vector>

namespace pareto::detail {

/// @brief Brings decoded images to the model's input shape: gray <-> RGB, then a
/// stretch resize (area when shrinking both sides, bilinear otherwise). Each kind of
/// conversion it applies is added to a NoteLog.
///
/// cv::resize costs ~100 us of per-call overhead on a 28x28 image; both of its modes
/// used here are separable and linear, so the converter asks OpenCV once per source
/// size for the per-axis weights and applies them in a tight loop (checked against
/// cv::resize in tst_imageconversion).
class ImageConverter {
public:
    /// target.channels must be 1 or 3.
    explicit ImageConverter(ImageShape target) : m_target(target) {}

    const ImageShape& target() const { return m_target; }

    /// Writes target().elements() floats to dst.
    Status convert(const PlanarImage& src, float* dst, NoteLog& notes);
    /// The same from planes [C][H][W] of `shape` at `src`.
    Status convert(const ImageShape& shape, const float* src, float* dst, NoteLog& notes);

private:
    /// Sparse weights of one axis: output i reads src[index[k]] * weight[k] for
    /// k in [begin[i], begin[i + 1]).
    struct AxisTaps {
        std::vector<int> begin;
        std::vector<int> index;
        std::vector<float> weight;
    };
    static AxisTaps axisTaps(int from, int to, int interpolation);
    Status prepareResize(int height, int width);
    void resizePlane(const float* src, float* dst);

    ImageShape m_target;
    std::vector<float> m_gray;  ///< scratch for RGB -> gray
    std::vector<float> m_rows;  ///< scratch: source rows resized horizontally
    int m_tapsHeight = -1;      ///< source size the taps below are for
    int m_tapsWidth = -1;
    AxisTaps m_vertical;
    AxisTaps m_horizontal;
};

}  // namespace pareto::detail
