// SPDX-License-Identifier: Apache-2.0
// PNG and JPEG: the header check (size limits before any decode), then the full decode
// with the decoder's reason in a one-line error. The first byte picks the file's extension
// (.png / .jpg / .jpeg / none): detection must go by content, not by name.
#include "data/imagedecoder.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    if (size < 1) return 0;
    static const char* const kNames[] = {"input.png", "input.jpg", "input.jpeg", "input"};
    const std::string name = kNames[data[0] % 4];
    fuzz::clearTempDir();
    const std::string path = fuzz::writeTempFile(name, data + 1, size - 1);

    auto header = pareto::detail::readImageHeader(path);
    if (!header) fuzz::requireRefusalNaming(header.error().message, name);
    // Decoding costs time in proportion to the pixels a header declares, up to the 64 Mpx we
    // accept by design (a 0.5 MB 8192 x 8192 16-bit RGBA PNG takes ~23 s of CPU in this ASan
    // build, ~1.3 GB). Fuzzed inputs (a few KB) cannot hold such images anyway; the cap keeps
    // a crafted full-size one from reading as a timeout here. The header check above still ran.
    constexpr int64_t kDecodeCapPixels = int64_t(4) << 20;
    if (header && int64_t(header->width) * header->height > kDecodeCapPixels) return 0;

    pareto::detail::PlanarImage image;
    pareto::detail::NoteLog notes;
    if (Status s = pareto::detail::decodeImageFile(path, image, notes); !s) {
        fuzz::requireRefusalNaming(s.error().message, name);
        return 0;
    }
    if (!header) __builtin_trap();  // decoded what the header check refused
    if (image.shape.width != header->width || image.shape.height != header->height) __builtin_trap();
    if (int64_t(image.pixels.size()) != image.shape.elements()) __builtin_trap();
    return 0;
}
