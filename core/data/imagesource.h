// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/notelog.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pareto::detail {

/// @brief Channels and size of one image.
struct ImageShape {
    int channels = 0;
    int height = 0;
    int width = 0;

    int64_t pixels() const { return int64_t(height) * width; }
    int64_t elements() const { return int64_t(channels) * pixels(); }
    bool operator==(const ImageShape& o) const {
        return channels == o.channels && height == o.height && width == o.width;
    }
    bool operator!=(const ImageShape& o) const { return !(*this == o); }
};

/// @brief One decoded image: float planes [C][H][W] in [0, 1], RGB order (or gray).
struct PlanarImage {
    ImageShape shape;
    std::vector<float> pixels;  ///< reused between reads to avoid reallocating
};

/// Error text from a library (OpenCV ends its messages with a newline) as one line.
inline std::string oneLine(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

/// v / 255.0f, the same float numpy's float32 division gives, at table-lookup speed.
inline const std::array<float, 256>& byteToUnitTable() {
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int v = 0; v < 256; ++v) t[size_t(v)] = float(v) / 255.0f;
        return t;
    }();
    return table;
}

/// @brief An ordered selection of images (split and limit already applied), decoded
/// on demand. Reading in increasing index order is the fast path.
/// Thread: one worker at a time.
class ImageSource {
public:
    virtual ~ImageSource() = default;

    virtual int64_t count() const = 0;
    /// "<file>#<index in file>" or the file name.
    virtual std::string id(int64_t i) const = 0;
    /// Decodes image i; an error names the file and the problem. Decoding steps that
    /// change pixels (alpha dropped, 16-bit scaled) go to `notes`.
    virtual Status read(int64_t i, PlanarImage& out, NoteLog& notes) = 0;
    /// True when every image has the same shape and decodes without notes, so a mean
    /// can be taken before converting (resize and channel mixing are linear).
    virtual bool uniformShape() const { return false; }
    /// How many images to read between progress reports (decoding cost differs a lot).
    virtual int64_t progressStep() const { return 512; }
};

}  // namespace pareto::detail
