// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/recordfile.h"

#include <memory>
#include <string>

struct gzFile_s;

namespace pareto::detail {

/// @brief An IDX image file (magic 0x00000803: unsigned bytes, 3 dims N x H x W), gzip'd
/// or not: zlib reads both. Opening validates the header and that the byte count matches.
class IdxFile : public RecordFile {
public:
    /// Opens DIR/<stem>.gz, or DIR/<stem> when there is no .gz.
    static Result<std::unique_ptr<IdxFile>> openInDir(const std::string& dir, const std::string& stem);
    static Result<std::unique_ptr<IdxFile>> open(const std::string& path);
    ~IdxFile() override;

    const std::string& path() const override { return m_path; }
    const std::string& name() const override { return m_name; }
    int64_t count() const override { return m_count; }
    ImageShape shape() const override { return {1, m_rows, m_cols}; }
    int64_t recordBytes() const override { return int64_t(m_rows) * m_cols; }
    int64_t pixelOffset() const override { return 0; }
    Status readRecords(int64_t first, int64_t n, uint8_t* dst) override;

private:
    IdxFile() = default;
    Status validateByteCount(int64_t fileSize);

    static constexpr int64_t kHeaderBytes = 16;
    std::string m_path;
    std::string m_name;
    gzFile_s* m_file = nullptr;
    int64_t m_count = 0;
    int m_rows = 0;
    int m_cols = 0;
    int64_t m_cursor = -1;  ///< record the stream is positioned at; -1 = unknown
};

}  // namespace pareto::detail
