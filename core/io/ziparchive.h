// SPDX-License-Identifier: Apache-2.0
#pragma once
// A data-only zip reader for PyTorch archives (torch.save and TorchScript): budgets are
// checked before a byte is inflated and every record's CRC-32 is verified.

#include "common/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pareto::detail {

/// @brief How much a zip may inflate to, per record and in total.
///
/// The defaults follow the file's own size (a 7 MB file that inflates to 6 GB is a bomb,
/// not a checkpoint): per record max(256 MiB, 4 x file), in total max(1 GiB, 8 x file).
/// One override (`--max-inflated-bytes`) replaces both.
struct InflateBudget {
    uint64_t perRecord = 0;
    uint64_t total = 0;
    static InflateBudget forFile(uint64_t fileSize, uint64_t overrideBytes = 0);
    /// "256 MiB per record (max(256 MiB, 4 x the file's 7.0 MB))" style text for errors.
    std::string describePerRecord(uint64_t fileSize) const;
    std::string describeTotal(uint64_t fileSize) const;
    bool overridden = false;
};

/// "6.45 GB", "256 MiB"-style sizes for messages.
std::string byteSizeText(uint64_t bytes);

/// @brief The records of a zip archive, read on demand with pread, or (stored records,
/// storedBytes) found inside a mapping of the file made by the caller once the archive's
/// directory has been checked against the file's size.
///
/// Supports stored and deflated records and ZIP64 sizes and offsets. Names are given
/// relative to the archive's top folder ("data.pkl" for "archive/data.pkl"), as
/// PyTorch's own reader does. Not thread-safe; move-only.
class ZipArchive {
public:
    struct Entry {
        std::string name;            ///< full name as stored
        std::string relative;        ///< name without the top folder
        uint16_t method = 0;         ///< 0 stored, 8 deflate
        uint32_t crc32 = 0;
        uint64_t compressedSize = 0;
        uint64_t size = 0;           ///< declared uncompressed size
        uint64_t localHeaderOffset = 0;
    };

    /// Opens `path` and reads its central directory. Errors name the file.
    static Result<ZipArchive> open(const std::string& path, uint64_t maxInflatedOverride = 0);

    ZipArchive(ZipArchive&&) noexcept;
    ZipArchive& operator=(ZipArchive&&) noexcept;
    ~ZipArchive();

    const std::string& path() const { return m_path; }
    uint64_t fileSize() const { return m_fileSize; }
    const std::string& topFolder() const { return m_top; }
    const std::vector<Entry>& entries() const { return m_entries; }
    const InflateBudget& budget() const { return m_budget; }
    /// Bytes handed out by read()/readInto() so far (counts against budget().total).
    uint64_t inflated() const { return m_inflated; }

    /// The record `relative` (name under the top folder), or null.
    const Entry* find(const std::string& relative) const;
    bool has(const std::string& relative) const { return find(relative) != nullptr; }

    /// Checks that reading `e` fits both budgets, before anything is inflated.
    Status checkBudget(const Entry& e) const;
    /// Reads a whole record into memory (budget, then CRC-32 checked). Errors name the
    /// record (the caller adds the file).
    Result<std::string> read(const Entry& e);
    Result<std::string> read(const std::string& relative);
    /// Reads record `e` into `dst`, which holds exactly e.size bytes.
    Status readInto(const Entry& e, void* dst);
    /// A stored (not deflated) record's bytes inside `mapped`, a mapping of this archive's
    /// file: where they are, checked against the file's size (the mapping must be as long
    /// as the file was when opened), the budget and the CRC-32, as readInto checks them, but
    /// nothing is copied. Null for a deflated record (the caller reads it instead).
    Result<const uint8_t*> storedBytes(const Entry& e, const uint8_t* mapped, uint64_t mappedSize);

private:
    ZipArchive() = default;
    Status readRaw(uint64_t offset, void* dst, uint64_t bytes) const;
    Result<uint64_t> dataOffset(const Entry& e) const;
    /// The CRC-32 of `bytes` (e.size of them) against the directory's; errors name the record.
    Status checkCrc(const Entry& e, const unsigned char* bytes) const;

    std::string m_path;
    int m_fd = -1;
    uint64_t m_fileSize = 0;
    std::string m_top;
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, size_t> m_byRelative;
    InflateBudget m_budget;
    uint64_t m_inflated = 0;
};

}  // namespace pareto::detail
