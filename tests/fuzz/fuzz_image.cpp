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
