// SPDX-License-Identifier: Apache-2.0
#include "data/imagedecoder.h"

#include <png.h>
// jpeglib.h needs FILE and size_t declared first.
#include <cstdio>
#include <jpeglib.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cctype>
#include <cstring>
#include <vector>

namespace pareto::detail {
namespace {

constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

// Writes why a `format` header's size is refused into `message`; false when it is fine.
// Plain C strings: this runs between setjmp and longjmp, where no C++ object may be alive.
bool sizeRefused(const char* format, int64_t width, int64_t height, char* message, size_t size) {
    if (width <= 0 || height <= 0) {
        std::snprintf(message, size, "%s header says the image has no pixels (%lld x %lld)", format, (long long)width,
                      (long long)height);
        return true;
    }
    if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels) {
        std::snprintf(message, size, "%s header says the image is %lld x %lld pixels, more than the %lld px per side and %lld Mpx an image may have",
                      format, (long long)width, (long long)height, (long long)kMaxImageSide, (long long)(kMaxImagePixels >> 20));
        return true;
    }
    return false;
}

struct File {
    std::FILE* f = nullptr;
    ~File() {
        if (f) std::fclose(f);
    }
};

// ---- PNG ------------------------------------------------------------------------------

struct PngState {
    std::FILE* file = nullptr;
    std::string message;  // the reason libpng gave
    std::jmp_buf jump;
};

extern "C" void pngError(png_structp png, png_const_charp message) {
    auto* s = static_cast<PngState*>(png_get_error_ptr(png));
    s->message = message ? message : "unknown error";
    std::longjmp(s->jump, 1);
}

// Warnings (an unknown ancillary chunk, a bad gamma) do not stop decoding; OpenCV printed
// them on a line of their own, we keep the output to the one-line result.
extern "C" void pngWarning(png_structp, png_const_charp) {}

extern "C" void pngRead(png_structp png, png_bytep data, size_t length) {
    auto* s = static_cast<PngState*>(png_get_error_ptr(png));
    if (std::fread(data, 1, length, s->file) != length) png_error(png, "file ended early (truncated PNG)");
}

struct PngHandles {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngHandles() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

// Every chunk's declared length against the bytes the file has left, before libpng sees it:
// libpng allocates an ancillary chunk's declared length (an iTXt claiming 1.9 GB in a
// 120-byte file) before it reads the data and finds the file too short.
Status checkPngChunks(const std::string& path, std::FILE* file) {
    if (std::fseek(file, 0, SEEK_END) != 0) return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
    const long end = std::ftell(file);
    if (end < 0) return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
    const uint64_t size = static_cast<uint64_t>(end);
    uint64_t pos = 8;  // after the signature
    while (pos + 8 <= size) {
        unsigned char head[8];
        if (std::fseek(file, static_cast<long>(pos), SEEK_SET) != 0 || std::fread(head, 1, 8, file) != 8)
            return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
        const uint64_t length = (uint64_t(head[0]) << 24) | (uint64_t(head[1]) << 16) | (uint64_t(head[2]) << 8) | head[3];
        std::string type;
        for (int i = 4; i < 8; ++i) type += std::isalpha(head[i]) ? static_cast<char>(head[i]) : '?';
        if (length > 0x7fffffffu || pos + 12 + length > size)
            return fail(path + ": PNG chunk '" + type + "' at byte " + std::to_string(pos) + " declares " + std::to_string(length) +
                        " bytes, past the end of the file (" + std::to_string(size) + " bytes): truncated or corrupt PNG");
        if (type == "IEND") break;
        pos += 12 + length;
    }
    std::rewind(file);
    return Status::success();
}

// Everything between setjmp and the last libpng call lives in this one frame, with no C++
// object created after the setjmp: a longjmp back here skips no destructor.
Status decodePng(const std::string& path, std::FILE* file, ImageHeader& header, PlanarImage* out, NoteLog* notes,
                 std::vector<unsigned char>& buffer, std::vector<png_bytep>& rows) {
    PngState state;
    state.file = file;
    PngHandles h;
    h.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, pngError, pngWarning);
    if (!h.png) return fail(path + ": cannot decode PNG (out of memory)");
    h.info = png_create_info_struct(h.png);
    if (!h.info) return fail(path + ": cannot decode PNG (out of memory)");
    volatile bool refused = false;
    char sizeMessage[256] = {};
    if (setjmp(state.jump)) {
        if (refused) return fail(path + ": " + sizeMessage);
        return fail(path + ": cannot decode PNG (" + state.message + ")");
    }
    png_set_read_fn(h.png, &state, pngRead);
    // Ancillary chunks (text, ICC profiles) are small in real images; libpng's default
    // image-size limit (1,000,000 px a side) is left to our own check below, which names it.
    png_set_chunk_malloc_max(h.png, 64u << 20);
    png_read_info(h.png, h.info);

    png_uint_32 width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    png_get_IHDR(h.png, h.info, &width, &height, &depth, &colour, &interlace, nullptr, nullptr);
    if (sizeRefused("PNG", width, height, sizeMessage, sizeof sizeMessage)) {
        refused = true;
        png_error(h.png, sizeMessage);
    }
    const bool hasTrns = png_get_valid(h.png, h.info, PNG_INFO_tRNS) != 0;
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(h.png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(h.png);
    if (hasTrns) png_set_tRNS_to_alpha(h.png);
    if (depth == 16) png_set_swap(h.png);  // little-endian uint16 in memory
    png_set_interlace_handling(h.png);
    png_read_update_info(h.png, h.info);

    header.format = ImageHeader::Format::Png;
    header.width = int(width);
    header.height = int(height);
    header.channels = png_get_channels(h.png, h.info);
    header.bitDepth = png_get_bit_depth(h.png, h.info);
    if (!out) return Status::success();

    const size_t rowBytes = png_get_rowbytes(h.png, h.info);
    buffer.resize(rowBytes * height);
    rows.resize(height);
    for (png_uint_32 y = 0; y < height; ++y) rows[y] = buffer.data() + y * rowBytes;
    png_read_image(h.png, rows.data());
    png_read_end(h.png, nullptr);
    (void)notes;
    return Status::success();
}

// ---- JPEG -----------------------------------------------------------------------------

struct JpegError {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX] = {};
};

extern "C" void jpegErrorExit(j_common_ptr info) {
    auto* e = reinterpret_cast<JpegError*>(info->err);
    (*info->err->format_message)(info, e->message);
    std::longjmp(e->jump, 1);
}

// Corrupt-data warnings decode what is there, as OpenCV did; no stderr line.
extern "C" void jpegOutputMessage(j_common_ptr) {}

struct JpegHandle {
    jpeg_decompress_struct info {};
    bool created = false;
    ~JpegHandle() {
        if (created) jpeg_destroy_decompress(&info);
    }
};

Status decodeJpeg(const std::string& path, const std::vector<unsigned char>& bytes, ImageHeader& header, PlanarImage* out,
                  std::vector<unsigned char>& buffer) {
    JpegError error;
    JpegHandle h;
    h.info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = jpegErrorExit;
    error.manager.output_message = jpegOutputMessage;
    volatile bool refused = false;
    if (setjmp(error.jump)) {
        if (refused) return fail(path + ": " + std::string(error.message));
        return fail(path + ": cannot decode JPEG (" + std::string(error.message) + ")");
    }
    jpeg_create_decompress(&h.info);
    h.created = true;
    jpeg_mem_src(&h.info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&h.info, TRUE);
    if (sizeRefused("JPEG", h.info.image_width, h.info.image_height, error.message, sizeof error.message)) {
        refused = true;
        std::longjmp(error.jump, 1);
    }
    const J_COLOR_SPACE space = h.info.jpeg_color_space;
    if (space == JCS_CMYK || space == JCS_YCCK) {
        std::snprintf(error.message, sizeof error.message, "CMYK colour is not supported; save it as RGB");
        std::longjmp(error.jump, 1);
    }
    h.info.out_color_space = h.info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    header.format = ImageHeader::Format::Jpeg;
    header.width = int(h.info.image_width);
    header.height = int(h.info.image_height);
    header.channels = h.info.num_components == 1 ? 1 : 3;
    header.bitDepth = 8;
    if (!out) return Status::success();

    jpeg_start_decompress(&h.info);
    const size_t rowBytes = size_t(h.info.output_width) * size_t(h.info.output_components);
    buffer.resize(rowBytes * h.info.output_height);
    while (h.info.output_scanline < h.info.output_height) {
        JSAMPROW row = buffer.data() + size_t(h.info.output_scanline) * rowBytes;
        jpeg_read_scanlines(&h.info, &row, 1);
    }
    jpeg_finish_decompress(&h.info);
    return Status::success();
}

// ---- common ---------------------------------------------------------------------------

// Interleaved pixels (8- or 16-bit, 1..4 channels) -> planes of the first 1 or 3 channels.
void toPlanes(const ImageHeader& h, const std::vector<unsigned char>& pixels, PlanarImage& out) {
    const int outChannels = h.channels >= 3 ? 3 : 1;
    out.shape = {outChannels, h.height, h.width};
    out.pixels.resize(size_t(out.shape.elements()));
    const int64_t plane = int64_t(h.width) * h.height;
    const auto& table = byteToUnitTable();
    for (int c = 0; c < outChannels; ++c) {
        float* dst = out.pixels.data() + c * plane;
        if (h.bitDepth == 16) {
            const auto* src = reinterpret_cast<const uint16_t*>(pixels.data());
            for (int64_t i = 0; i < plane; ++i) dst[i] = float(src[i * h.channels + c]) * (1.0f / 65535.0f);
        } else {
            const unsigned char* src = pixels.data();
            for (int64_t i = 0; i < plane; ++i) dst[i] = table[src[i * h.channels + c]];
        }
    }
}

Status decode(const std::string& path, ImageHeader& header, PlanarImage* out, NoteLog* notes) {
    File file;
    file.f = std::fopen(path.c_str(), "rb");
    if (!file.f) return fail(path + ": cannot open image (" + std::strerror(errno) + ")");
    unsigned char magic[8] = {};
    const size_t got = std::fread(magic, 1, sizeof magic, file.f);
    std::vector<unsigned char> buffer;
    if (got == sizeof magic && std::memcmp(magic, kPngSignature, sizeof magic) == 0) {
        std::vector<png_bytep> rows;
        if (Status s = checkPngChunks(path, file.f); !s) return s;  // rewinds: libpng checks the signature itself
        if (Status s = decodePng(path, file.f, header, out, notes, buffer, rows); !s) return s;
    } else if (got >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff) {
        if (std::fseek(file.f, 0, SEEK_END) != 0) return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
        const long size = std::ftell(file.f);
        if (size < 0) return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
        // A JPEG cannot hold more compressed bytes than a few per pixel of the largest image.
        if (uint64_t(size) > uint64_t(kMaxImagePixels) * 8)
            return fail(path + ": " + std::to_string(size) + " bytes, too large for a JPEG image we accept");
        std::vector<unsigned char> bytes(static_cast<size_t>(size));
        std::rewind(file.f);
        if (std::fread(bytes.data(), 1, bytes.size(), file.f) != bytes.size())
            return fail(path + ": cannot read image (" + std::strerror(errno) + ")");
        if (Status s = decodeJpeg(path, bytes, header, out, buffer); !s) return s;
    } else {
        return fail(path + ": not a PNG or JPEG image (unrecognised first bytes)");
    }
    if (!out) return Status::success();
    if (header.channels == 2 || header.channels == 4) notes->add("dropped the alpha channel");
    if (header.bitDepth == 16) notes->add("scaled 16-bit pixels to [0, 1] (/65535)");
    toPlanes(header, buffer, *out);
    return Status::success();
}

}  // namespace

Result<ImageHeader> readImageHeader(const std::string& path) {
    ImageHeader h;
    if (Status s = decode(path, h, nullptr, nullptr); !s) return s.error();
    return h;
}

Status decodeImageFile(const std::string& path, PlanarImage& out, NoteLog& notes) {
    ImageHeader h;
    return decode(path, h, &out, &notes);
}

}  // namespace pareto::detail
