// SPDX-License-Identifier: Apache-2.0
#pragma once
// PNG and JPEG decoding with the libraries' own reasons in our one-line errors, and the
// image size checked from the header before a pixel is decoded.

#include "common/result.h"
#include "data/imagesource.h"

#include <cstdint>
#include <string>

namespace pareto::detail {

/// Largest image side and pixel count accepted; checked from the file header, so a small
/// file that claims 30000 x 30000 pixels is refused before any memory is spent on it.
inline constexpr int64_t kMaxImageSide = 16384;
inline constexpr int64_t kMaxImagePixels = int64_t(64) << 20;  // 64 Mpx

/// @brief What a header says: format, size and channels, without decoding pixels.
struct ImageHeader {
    enum class Format { Png, Jpeg };
    Format format = Format::Png;
    int width = 0;
    int height = 0;
    int channels = 0;   ///< as stored: 1 gray, 2 gray + alpha, 3 colour, 4 colour + alpha
    int bitDepth = 8;   ///< 8 or 16 after expansion of palette/low-bit images
};

/// Reads the header of a PNG or JPEG file and checks its size against the limits above.
/// Errors: "<path>: <reason>" (e.g. "PNG header claims 30000 x 30000 pixels, more than ...").
Result<ImageHeader> readImageHeader(const std::string& path);

/// Decodes a PNG or JPEG file into RGB (or gray) planes in [0, 1]: 8-bit values as
/// v / 255, 16-bit as v / 65535 (noted), palettes and low bit depths expanded, alpha
/// dropped (noted). A decode error carries the decoder's own reason:
/// "<path>: cannot decode PNG (IDAT: CRC error)".
Status decodeImageFile(const std::string& path, PlanarImage& out, NoteLog& notes);

}  // namespace pareto::detail
