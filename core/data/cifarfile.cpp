// SPDX-License-Identifier: Apache-2.0
#include "data/cifarfile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pareto::detail {

CifarFile::~CifarFile() {
    if (m_file) std::fclose(m_file);
}

Result<std::unique_ptr<CifarFile>> CifarFile::open(const std::string& path) {
    namespace fs = std::filesystem;
    std::unique_ptr<CifarFile> f(new CifarFile);
    f->m_path = path;
    f->m_name = fs::path(path).filename().string();

    std::error_code ec;
    const auto size = int64_t(fs::file_size(path, ec));
    if (ec) return fail(path + ": " + ec.message());
    if (size == 0) return fail(path + ": empty file");
    if (size % kRecordBytes != 0)
        return fail(path + ": size " + std::to_string(size) + " bytes is not a multiple of " +
                    std::to_string(kRecordBytes) + " (1 label byte + 3072 pixel bytes per CIFAR-10 record)");
    f->m_count = size / kRecordBytes;

    f->m_file = std::fopen(path.c_str(), "rb");
    if (!f->m_file) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    return f;
}

Status CifarFile::readRecords(int64_t first, int64_t n, uint8_t* dst) {
    if (first < 0 || n < 0 || first + n > m_count) return fail(m_path + ": record range out of bounds");
    if (fseeko(m_file, off_t(first * kRecordBytes), SEEK_SET) != 0)
        return fail(m_path + ": cannot seek to record " + std::to_string(first) + " (" + std::strerror(errno) + ")");
    const size_t want = size_t(n * kRecordBytes);
    if (std::fread(dst, 1, want, m_file) != want)
        return fail(m_path + ": short read at record " + std::to_string(first) + " (file changed while reading?)");
    return Status::success();
}

}  // namespace pareto::detail
