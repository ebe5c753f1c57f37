// SPDX-License-Identifier: Apache-2.0
#include "data/idxfile.h"

#include "data/imagedecoder.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace pareto::detail {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kIdxImageMagic = 0x00000803;  // type 0x08 = unsigned byte, 3 dimensions
constexpr int64_t kMaxSide = kMaxImageSide;
// gzread takes an unsigned int length: read big ranges in pieces.
constexpr int64_t kMaxReadPiece = int64_t(1) << 30;

uint32_t bigEndian32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string gzErrorText(gzFile f) {
    int code = Z_OK;
    const char* msg = gzerror(f, &code);
    if (code == Z_ERRNO) return std::strerror(errno);
    return msg && *msg ? msg : "unexpected end of data";
}

}  // namespace

IdxFile::~IdxFile() {
    if (m_file) gzclose(m_file);
}

Result<std::unique_ptr<IdxFile>> IdxFile::openInDir(const std::string& dir, const std::string& stem) {
    std::error_code ec;
    const fs::path gz = fs::path(dir) / (stem + ".gz");
    const fs::path raw = fs::path(dir) / stem;
    if (fs::is_regular_file(gz, ec)) return open(gz.string());
    if (fs::is_regular_file(raw, ec)) return open(raw.string());
    if (!fs::is_directory(dir, ec)) return fail(dir + ": no such folder");
    return fail(dir + ": has neither " + stem + ".gz nor " + stem);
}

Result<std::unique_ptr<IdxFile>> IdxFile::open(const std::string& path) {
    std::unique_ptr<IdxFile> f(new IdxFile);
    f->m_path = path;
    f->m_name = fs::path(path).filename().string();

    std::error_code ec;
    const auto fileSize = fs::file_size(path, ec);
    if (ec) return fail(path + ": " + ec.message());

    f->m_file = gzopen(path.c_str(), "rb");
    if (!f->m_file) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    gzbuffer(f->m_file, 1 << 17);

    unsigned char header[kHeaderBytes];
    const int got = gzread(f->m_file, header, sizeof header);
    if (got < 0) return fail(path + ": cannot read (" + gzErrorText(f->m_file) + ")");
    if (got < int(sizeof header))
        return fail(path + ": too short for an IDX header (" + std::to_string(got) + " of 16 bytes)");

    const uint32_t magic = bigEndian32(header);
    if (magic != kIdxImageMagic) {
        char hex[11];
        std::snprintf(hex, sizeof hex, "0x%08x", magic);
        return fail(path + ": not an IDX image file (magic " + hex +
                    ", expected 0x00000803 for unsigned-byte images N x H x W)");
    }
    const uint32_t n = bigEndian32(header + 4), rows = bigEndian32(header + 8), cols = bigEndian32(header + 12);
    if (n == 0) return fail(path + ": IDX header says it holds no images");
    if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide || int64_t(rows) * cols > kMaxImagePixels)
        return fail(path + ": IDX header has an implausible image size " + std::to_string(rows) + "x" +
                    std::to_string(cols) + " (at most " + std::to_string(kMaxSide) + " px per side and " +
                    std::to_string(kMaxImagePixels >> 20) + " Mpx)");
    f->m_count = n;
    f->m_rows = int(rows);
    f->m_cols = int(cols);
    f->m_cursor = 0;

    if (Status s = f->validateByteCount(int64_t(fileSize)); !s) return s.error();
    return f;
}

Status IdxFile::validateByteCount(int64_t fileSize) {
    const int64_t expected = kHeaderBytes + m_count * recordBytes();
    auto mismatch = [&](int64_t actual, const std::string& detail) -> Status {
        const std::string what = actual < expected ? "truncated" : "has trailing bytes";
        return fail(m_path + ": " + what + ": " + std::to_string(actual) + " bytes" + detail + ", but the header says " +
                    std::to_string(m_count) + " images of " + std::to_string(m_rows) + "x" + std::to_string(m_cols) +
                    " (" + std::to_string(expected) + " bytes)");
    };

    if (gzdirect(m_file)) {
        if (fileSize != expected) return mismatch(fileSize, "");
        return Status::success();
    }

    // A single-member gzip stores the uncompressed size mod 2^32 in its last 4 bytes:
    // checking it avoids inflating 26 MB just to validate a `--limit 500` load.
    unsigned char trailer[4] = {};
    std::ifstream in(m_path, std::ios::binary);
    if (fileSize >= 4 && in.seekg(-4, std::ios::end) && in.read(reinterpret_cast<char*>(trailer), 4)) {
        const uint32_t isize = uint32_t(trailer[0]) | (uint32_t(trailer[1]) << 8) | (uint32_t(trailer[2]) << 16) |
                               (uint32_t(trailer[3]) << 24);
        if (isize == uint32_t(uint64_t(expected) & 0xffffffffu)) return Status::success();
    }

    // Trailer disagrees (truncated, corrupt, or multi-member): count what really inflates.
    std::vector<unsigned char> buf(1 << 20);
    int64_t total = kHeaderBytes;
    for (;;) {
        const int got = gzread(m_file, buf.data(), unsigned(buf.size()));
        if (got < 0) return mismatch(total, " inflate before an error (" + gzErrorText(m_file) + ")");
        if (got == 0) break;
        total += got;
        // Past the declared size the verdict is known: stop, rather than inflate a bomb to its end.
        if (total > expected) return mismatch(total, " (at least) after inflating");
    }
    int code = Z_OK;
    gzerror(m_file, &code);
    if (code != Z_OK) return mismatch(total, " inflate before an error (" + gzErrorText(m_file) + ")");
    if (total != expected) return mismatch(total, " after inflating");
    m_cursor = -1;
    return Status::success();
}

Status IdxFile::readRecords(int64_t first, int64_t n, uint8_t* dst) {
    if (first < 0 || n < 0 || first + n > m_count) return fail(m_path + ": record range out of bounds");
    const int64_t bytes = recordBytes();
    if (first != m_cursor) {
        // zlib emulates seeking by inflating; callers read forward, so this is rare.
        if (gzseek(m_file, z_off_t(kHeaderBytes + first * bytes), SEEK_SET) < 0) {
            m_cursor = -1;
            return fail(m_path + ": cannot seek to image " + std::to_string(first) + " (" + gzErrorText(m_file) + ")");
        }
    }
    m_cursor = -1;
    int64_t left = n * bytes;
    while (left > 0) {
        const int64_t piece = std::min(left, kMaxReadPiece);
        const int got = gzread(m_file, dst, unsigned(piece));
        if (got != piece) {
            const int64_t at = first + (n * bytes - left + std::max(got, 0)) / bytes;
            return fail(m_path + ": truncated or corrupt at image " + std::to_string(at) + " (" +
                        gzErrorText(m_file) + ")");
        }
        dst += piece;
        left -= piece;
    }
    m_cursor = first + n;
    return Status::success();
}

}  // namespace pareto::detail
