// SPDX-License-Identifier: Apache-2.0
#include "safeoutput.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

namespace pareto::cli {
namespace {

// Bytes a UTF-8 sequence starting with `lead` has, or 0 for a byte that cannot start one.
size_t expectedLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

bool validSequence(const unsigned char* p, size_t n) {
    const unsigned char c = p[0];
    unsigned lo = 0x80, hi = 0xbf;
    if (c == 0xe0) lo = 0xa0;
    else if (c == 0xed) hi = 0x9f;
    else if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;
    if (n > 1 && (p[1] < lo || p[1] > hi)) return false;
    for (size_t k = 2; k < n; ++k)
        if (p[k] < 0x80 || p[k] > 0xbf) return false;
    return true;
}

struct Filter {
    int fd;
    std::string pending;  // the start of a sequence cut by the stdio buffer
};

bool writeAll(int fd, const char* data, size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += w;
        n -= size_t(w);
    }
    return true;
}

void escapeByte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

// Converts as much of `in` as is complete; keeps an unfinished trailing sequence.
std::string filterChunk(std::string& in, bool final) {
    std::string out;
    out.reserve(in.size());
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    size_t i = 0;
    while (i < in.size()) {
        const size_t n = expectedLength(p[i]);
        if (n == 0) {
            escapeByte(out, p[i++]);
            continue;
        }
        if (i + n > in.size()) {
            // Possibly cut by the buffer: wait for the rest unless this is the end, or the
            // bytes so far already rule it out.
            if (!final && validSequence(p + i, in.size() - i)) break;
            escapeByte(out, p[i++]);
            continue;
        }
        if (!validSequence(p + i, n)) {
            escapeByte(out, p[i++]);
            continue;
        }
        out.append(in, i, n);
        i += n;
    }
    in.erase(0, i);
    return out;
}

extern "C" ssize_t filterWrite(void* cookie, const char* buf, size_t size) {
    auto* f = static_cast<Filter*>(cookie);
    f->pending.append(buf, size);
    const std::string out = filterChunk(f->pending, false);
    if (!writeAll(f->fd, out.data(), out.size())) return -1;
    return ssize_t(size);
}

extern "C" int filterClose(void* cookie) {
    auto* f = static_cast<Filter*>(cookie);
    const std::string out = filterChunk(f->pending, true);
    writeAll(f->fd, out.data(), out.size());
    delete f;
    return 0;
}

std::FILE* filtered(int fd, int bufferMode) {
    cookie_io_functions_t io{};
    io.write = filterWrite;
    io.close = filterClose;
    std::FILE* stream = fopencookie(new Filter{fd, {}}, "w", io);
    if (stream) std::setvbuf(stream, nullptr, bufferMode, bufferMode == _IONBF ? 0 : BUFSIZ);
    return stream;
}

}  // namespace

void installSafeOutput() {
    std::fflush(stdout);
    std::fflush(stderr);
    // Line buffering keeps the interleaving of stdout and stderr what it was on a terminal.
    if (std::FILE* out = filtered(STDOUT_FILENO, ::isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF)) stdout = out;
    if (std::FILE* err = filtered(STDERR_FILENO, _IOLBF)) stderr = err;
}

}  // namespace pareto::cli
