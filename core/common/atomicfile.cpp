// SPDX-License-Identifier: Apache-2.0
#include "common/atomicfile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace pareto {

Status writeFileAtomic(const std::string& path, const std::string& bytes) {
    std::random_device rd;
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail(path + ": cannot create temporary file: " + std::strerror(errno));
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return fail(path + ": write failed: " + why);
        }
        off += static_cast<size_t>(w);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fail(path + ": flush failed: " + why);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fail(path + ": rename failed: " + why);
    }
    return Status::success();
}

Result<std::string> readFile(const std::string& path, size_t maxBytes) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    const auto size = static_cast<size_t>(in.tellg());
    if (size > maxBytes) return fail(path + ": file too large (" + std::to_string(size) + " bytes)");
    std::string out(size, '\0');
    in.seekg(0);
    in.read(out.data(), static_cast<std::streamsize>(size));
    if (!in) return fail(path + ": read error");
    return out;
}

}  // namespace pareto
