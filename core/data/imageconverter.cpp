// SPDX-License-Identifier: Apache-2.0
#include "data/imageconverter.h"

#include <opencv2/imgproc.hpp>

#include <cstring>

namespace pareto::detail {

ImageConverter::AxisTaps ImageConverter::axisTaps(int from, int to, int interpolation) {
    // Resizing the identity along one axis gives that axis' weight matrix: column k
    // of the result is where source pixel k goes.
    const cv::Mat identity = cv::Mat::eye(from, from, CV_32F);
    cv::Mat weights;
    cv::resize(identity, weights, cv::Size(from, to), 0, 0, interpolation);
    AxisTaps taps;
    taps.begin.push_back(0);
    for (int i = 0; i < to; ++i) {
        const float* row = weights.ptr<float>(i);
        for (int k = 0; k < from; ++k)
            if (row[k] != 0.0f) {
                taps.index.push_back(k);
                taps.weight.push_back(row[k]);
            }
        taps.begin.push_back(int(taps.index.size()));
    }
    return taps;
}

Status ImageConverter::prepareResize(int height, int width) {
    if (height == m_tapsHeight && width == m_tapsWidth) return Status::success();
    const bool shrink = m_target.height <= height && m_target.width <= width;
    const int interpolation = shrink ? cv::INTER_AREA : cv::INTER_LINEAR;
    try {
        m_vertical = axisTaps(height, m_target.height, interpolation);
        m_horizontal = axisTaps(width, m_target.width, interpolation);
    } catch (const cv::Exception& e) {
        m_tapsHeight = m_tapsWidth = -1;
        return fail("cannot compute resize weights: " + oneLine(e.what()));
    }
    m_tapsHeight = height;
    m_tapsWidth = width;
    m_rows.resize(size_t(height) * size_t(m_target.width));
    return Status::success();
}

void ImageConverter::resizePlane(const float* src, float* dst) {
    const int sw = m_tapsWidth, tw = m_target.width, th = m_target.height;
    const AxisTaps& hx = m_horizontal;
    const AxisTaps& vy = m_vertical;
    // Horizontal: every source row to the target width.
    for (int y = 0; y < m_tapsHeight; ++y) {
        const float* in = src + int64_t(y) * sw;
        float* out = m_rows.data() + int64_t(y) * tw;
        for (int j = 0; j < tw; ++j) {
            float acc = 0.0f;
            for (int k = hx.begin[size_t(j)]; k < hx.begin[size_t(j) + 1]; ++k)
                acc += hx.weight[size_t(k)] * in[hx.index[size_t(k)]];
            out[j] = acc;
        }
    }
    // Vertical: each output row is a weighted sum of whole rows (vectorizes).
    for (int i = 0; i < th; ++i) {
        float* out = dst + int64_t(i) * tw;
        std::fill(out, out + tw, 0.0f);
        for (int k = vy.begin[size_t(i)]; k < vy.begin[size_t(i) + 1]; ++k) {
            const float w = vy.weight[size_t(k)];
            const float* in = m_rows.data() + int64_t(vy.index[size_t(k)]) * tw;
            for (int j = 0; j < tw; ++j) out[j] += w * in[j];
        }
    }
}

Status ImageConverter::convert(const PlanarImage& src, float* dst, NoteLog& notes) {
    return convert(src.shape, src.pixels.data(), dst, notes);
}

Status ImageConverter::convert(const ImageShape& s, const float* source, float* dst, NoteLog& notes) {
    const ImageShape& t = m_target;
    const int64_t srcPlane = s.pixels();
    const int64_t dstPlane = t.pixels();

    const float* planes = source;
    int channels = s.channels;
    bool replicate = false;
    if (s.channels == 3 && t.channels == 1) {
        // ITU-R BT.601 luma, the weights OpenCV's and PIL's RGB -> gray use.
        m_gray.resize(size_t(srcPlane));
        const float* r = planes;
        const float* g = planes + srcPlane;
        const float* b = planes + 2 * srcPlane;
        for (int64_t k = 0; k < srcPlane; ++k) m_gray[size_t(k)] = 0.299f * r[k] + 0.587f * g[k] + 0.114f * b[k];
        planes = m_gray.data();
        channels = 1;
        notes.add("converted 3 -> 1 channels (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B)");
    } else if (s.channels == 1 && t.channels == 3) {
        // Resize the one plane, then copy it: a third of the work.
        replicate = true;
        notes.add("converted 1 -> 3 channels (replicated gray)");
    } else if (s.channels != t.channels) {
        return fail("cannot convert " + std::to_string(s.channels) + " -> " + std::to_string(t.channels) +
                    " channels (only gray <-> RGB)");
    }

    if (s.height == t.height && s.width == t.width) {
        std::memcpy(dst, planes, size_t(channels * dstPlane) * sizeof(float));
    } else {
        if (Status st = prepareResize(s.height, s.width); !st) return st;
        const bool shrink = t.height <= s.height && t.width <= s.width;
        notes.add("resized " + std::to_string(s.height) + "x" + std::to_string(s.width) + " -> " +
                  std::to_string(t.height) + "x" + std::to_string(t.width) + (shrink ? " (area)" : " (bilinear)"));
        for (int c = 0; c < channels; ++c) resizePlane(planes + c * srcPlane, dst + c * dstPlane);
    }

    if (replicate)
        for (int c = 1; c < 3; ++c) std::memcpy(dst + c * dstPlane, dst, size_t(dstPlane) * sizeof(float));
    return Status::success();
}

}  // namespace pareto::detail
