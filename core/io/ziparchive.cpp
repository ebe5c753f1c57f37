// SPDX-License-Identifier: Apache-2.0
#include "io/ziparchive.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pareto::detail {
namespace {

constexpr uint32_t kEndOfCentralDir = 0x06054b50;
constexpr uint32_t kZip64EndLocator = 0x07064b50;
constexpr uint32_t kZip64End = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint64_t kEndRecordBytes = 22;
constexpr uint64_t kMaxComment = 0xffff;
constexpr uint64_t kCentralFixed = 46;
constexpr uint64_t kLocalFixed = 30;
// A checkpoint has a record per tensor; a million is far beyond any real one.
constexpr uint64_t kMaxEntries = 1u << 20;
constexpr uint64_t kMiB = 1u << 20;
constexpr uint64_t kGiB = 1u << 30;

uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const unsigned char* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
uint64_t le64(const unsigned char* p) { return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32); }

// Record names end up in one-line messages: keep them short and free of control bytes.
std::string printableName(const std::string& name) {
    std::string out;
    for (unsigned char c : name.substr(0, 120)) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    if (name.size() > 120) out += "...";
    return out;
}

}  // namespace

std::string byteSizeText(uint64_t bytes) {
    char buf[64];
    if (bytes >= kGiB && bytes % kGiB == 0) std::snprintf(buf, sizeof buf, "%llu GiB", (unsigned long long)(bytes / kGiB));
    else if (bytes >= kMiB && bytes % kMiB == 0) std::snprintf(buf, sizeof buf, "%llu MiB", (unsigned long long)(bytes / kMiB));
    else if (bytes >= 1000000000ull) std::snprintf(buf, sizeof buf, "%.2f GB", double(bytes) / 1e9);
    else if (bytes >= 1000000ull) std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    else if (bytes >= 1000ull) std::snprintf(buf, sizeof buf, "%.1f kB", double(bytes) / 1e3);
    else std::snprintf(buf, sizeof buf, "%llu bytes", (unsigned long long)bytes);
    return buf;
}

InflateBudget InflateBudget::forFile(uint64_t fileSize, uint64_t overrideBytes) {
    InflateBudget b;
    if (overrideBytes > 0) {
        b.perRecord = b.total = overrideBytes;
        b.overridden = true;
        return b;
    }
    const uint64_t big = uint64_t(1) << 60;  // saturate instead of overflowing
    b.perRecord = std::max<uint64_t>(256 * kMiB, fileSize > big / 4 ? big : 4 * fileSize);
    b.total = std::max<uint64_t>(kGiB, fileSize > big / 8 ? big : 8 * fileSize);
    return b;
}

std::string InflateBudget::describePerRecord(uint64_t fileSize) const {
    if (overridden) return byteSizeText(perRecord) + " per record (--max-inflated-bytes)";
    return byteSizeText(perRecord) + " per record (max(256 MiB, 4 x the file's " + byteSizeText(fileSize) +
           "); --max-inflated-bytes raises it)";
}

std::string InflateBudget::describeTotal(uint64_t fileSize) const {
    if (overridden) return byteSizeText(total) + " in total (--max-inflated-bytes)";
    return byteSizeText(total) + " in total (max(1 GiB, 8 x the file's " + byteSizeText(fileSize) +
           "); --max-inflated-bytes raises it)";
}

ZipArchive::ZipArchive(ZipArchive&& o) noexcept { *this = std::move(o); }

ZipArchive& ZipArchive::operator=(ZipArchive&& o) noexcept {
    if (this == &o) return *this;
    if (m_fd >= 0) ::close(m_fd);
    m_path = std::move(o.m_path);
    m_fd = o.m_fd;
    o.m_fd = -1;
    m_fileSize = o.m_fileSize;
    m_top = std::move(o.m_top);
    m_entries = std::move(o.m_entries);
    m_byRelative = std::move(o.m_byRelative);
    m_budget = o.m_budget;
    m_inflated = o.m_inflated;
    return *this;
}

ZipArchive::~ZipArchive() {
    if (m_fd >= 0) ::close(m_fd);
}

Status ZipArchive::readRaw(uint64_t offset, void* dst, uint64_t bytes) const {
    if (offset > m_fileSize || bytes > m_fileSize - offset)
        return fail("reads past the end of the file (truncated zip archive)");
    auto* out = static_cast<unsigned char*>(dst);
    while (bytes > 0) {
        const size_t piece = size_t(std::min<uint64_t>(bytes, uint64_t(1) << 30));
        const ssize_t got = ::pread(m_fd, out, piece, off_t(offset));
        if (got < 0) {
            if (errno == EINTR) continue;
            return fail(std::string("cannot read (") + std::strerror(errno) + ")");
        }
        if (got == 0) return fail("file ended early (truncated zip archive)");
        out += got;
        offset += uint64_t(got);
        bytes -= uint64_t(got);
    }
    return Status::success();
}

Result<ZipArchive> ZipArchive::open(const std::string& path, uint64_t maxInflatedOverride) {
    ZipArchive z;
    z.m_path = path;
    z.m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (z.m_fd < 0) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(z.m_fd, &st) != 0) return fail(path + ": cannot stat (" + std::strerror(errno) + ")");
    if (!S_ISREG(st.st_mode)) return fail(path + ": not a regular file");
    z.m_fileSize = uint64_t(st.st_size);
    z.m_budget = InflateBudget::forFile(z.m_fileSize, maxInflatedOverride);
    const auto bad = [&](const std::string& what) { return fail(path + ": corrupt zip archive (" + what + ")"); };
    if (z.m_fileSize < kEndRecordBytes) return bad("too short for an end-of-central-directory record");

    // The end record sits within the last 22 + 65535 bytes.
    const uint64_t tailBytes = std::min<uint64_t>(z.m_fileSize, kEndRecordBytes + kMaxComment);
    std::vector<unsigned char> tail(static_cast<size_t>(tailBytes));
    const uint64_t tailStart = z.m_fileSize - tailBytes;
    if (Status s = z.readRaw(tailStart, tail.data(), tailBytes); !s) return fail(path + ": " + s.error().message);
    int64_t eocd = -1;
    for (int64_t i = int64_t(tailBytes - kEndRecordBytes); i >= 0; --i) {
        if (le32(&tail[size_t(i)]) == kEndOfCentralDir &&
            uint64_t(i) + kEndRecordBytes + le16(&tail[size_t(i) + 20]) <= tailBytes) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) return bad("no end-of-central-directory record");
    const unsigned char* e = &tail[size_t(eocd)];
    if (le16(e + 4) != 0 || le16(e + 6) != 0) return bad("multi-disk archives are not supported");
    uint64_t count = le16(e + 10);
    uint64_t cdSize = le32(e + 12);
    uint64_t cdOffset = le32(e + 16);
    const uint64_t eocdPos = tailStart + uint64_t(eocd);

    if (count == 0xffff || cdSize == 0xffffffffu || cdOffset == 0xffffffffu) {
        // ZIP64: a locator right before the end record points to the ZIP64 end record.
        if (eocdPos < 20) return bad("ZIP64 locator missing");
        unsigned char loc[20];
        if (Status s = z.readRaw(eocdPos - 20, loc, 20); !s) return fail(path + ": " + s.error().message);
        if (le32(loc) != kZip64EndLocator) return bad("ZIP64 locator missing");
        const uint64_t z64 = le64(loc + 8);
        unsigned char rec[56];
        if (z64 > z.m_fileSize || z.m_fileSize - z64 < sizeof rec) return bad("ZIP64 end record out of range");
        if (Status s = z.readRaw(z64, rec, sizeof rec); !s) return fail(path + ": " + s.error().message);
        if (le32(rec) != kZip64End) return bad("ZIP64 end record signature");
        count = le64(rec + 32);
        cdSize = le64(rec + 40);
        cdOffset = le64(rec + 48);
    }
    if (count > kMaxEntries) return bad(std::to_string(count) + " records, more than any checkpoint has");
    if (cdOffset > z.m_fileSize || cdSize > z.m_fileSize - cdOffset) return bad("central directory out of range");
    if (cdSize < count * kCentralFixed) return bad("central directory too small for its record count");

    std::vector<unsigned char> cd(static_cast<size_t>(cdSize));
    if (Status s = z.readRaw(cdOffset, cd.data(), cdSize); !s) return fail(path + ": " + s.error().message);
    size_t pos = 0;
    z.m_entries.reserve(size_t(count));
    for (uint64_t i = 0; i < count; ++i) {
        if (cd.size() - pos < kCentralFixed || le32(&cd[pos]) != kCentralHeader)
            return bad("central directory entry " + std::to_string(i) + " is malformed");
        const unsigned char* h = &cd[pos];
        Entry en;
        const uint16_t flags = le16(h + 8);
        en.method = le16(h + 10);
        en.crc32 = le32(h + 16);
        en.compressedSize = le32(h + 20);
        en.size = le32(h + 24);
        const size_t nameLen = le16(h + 28), extraLen = le16(h + 30), commentLen = le16(h + 32);
        en.localHeaderOffset = le32(h + 42);
        if (cd.size() - pos - kCentralFixed < nameLen + extraLen + commentLen)
            return bad("central directory entry " + std::to_string(i) + " runs past the directory");
        en.name.assign(reinterpret_cast<const char*>(h + kCentralFixed), nameLen);
        // ZIP64 extra field: 64-bit values for each 32-bit field that is all ones, in order.
        const unsigned char* x = h + kCentralFixed + nameLen;
        for (size_t k = 0; k + 4 <= extraLen;) {
            const uint16_t id = le16(x + k), len = le16(x + k + 2);
            if (k + 4 + len > extraLen) return bad("extra field of '" + printableName(en.name) + "' is malformed");
            if (id == 0x0001) {
                size_t q = k + 4;
                const size_t end = k + 4 + len;
                auto take = [&](uint64_t& field) -> bool {
                    if (q + 8 > end) return false;
                    field = le64(x + q);
                    q += 8;
                    return true;
                };
                if (en.size == 0xffffffffu && !take(en.size)) return bad("ZIP64 field of '" + printableName(en.name) + "' is short");
                if (en.compressedSize == 0xffffffffu && !take(en.compressedSize))
                    return bad("ZIP64 field of '" + printableName(en.name) + "' is short");
                if (en.localHeaderOffset == 0xffffffffu && !take(en.localHeaderOffset))
                    return bad("ZIP64 field of '" + printableName(en.name) + "' is short");
            }
            k += 4 + len;
        }
        pos += kCentralFixed + nameLen + extraLen + commentLen;

        if (flags & 0x1) return bad("record '" + printableName(en.name) + "' is encrypted");
        if (en.method != 0 && en.method != 8)
            return bad("record '" + printableName(en.name) + "' uses compression method " + std::to_string(en.method) +
                       " (only stored and deflate are supported)");
        if (en.method == 0 && en.compressedSize != en.size)
            return bad("stored record '" + printableName(en.name) + "' has different compressed and uncompressed sizes");
        if (en.localHeaderOffset > z.m_fileSize || en.compressedSize > z.m_fileSize)
            return bad("record '" + printableName(en.name) + "' lies outside the file");

        if (z.m_top.empty()) {
            const auto slash = en.name.find('/');
            z.m_top = slash == std::string::npos ? std::string() : en.name.substr(0, slash);
        }
        const std::string prefix = z.m_top + "/";
        en.relative = !z.m_top.empty() && en.name.compare(0, prefix.size(), prefix) == 0 ? en.name.substr(prefix.size()) : en.name;
        if (!z.m_byRelative.emplace(en.relative, z.m_entries.size()).second)
            return bad("record '" + printableName(en.name) + "' appears twice");
        z.m_entries.push_back(std::move(en));
    }
    // What the records declare together must fit the total budget: a bomb is refused before
    // its first record is inflated, not after the budget has been spent.
    uint64_t declared = 0;
    for (const auto& en : z.m_entries) declared = en.size > ~uint64_t(0) - declared ? ~uint64_t(0) : declared + en.size;
    if (declared > z.m_budget.total)
        return fail(path + ": its records would inflate to " + byteSizeText(declared) + ", more than the " +
                    z.m_budget.describeTotal(z.m_fileSize));
    return z;
}

const ZipArchive::Entry* ZipArchive::find(const std::string& relative) const {
    auto it = m_byRelative.find(relative);
    return it == m_byRelative.end() ? nullptr : &m_entries[it->second];
}

Status ZipArchive::checkBudget(const Entry& e) const {
    if (e.size > m_budget.perRecord)
        return fail("record '" + printableName(e.name) + "' would inflate to " + byteSizeText(e.size) + ", more than the " +
                    m_budget.describePerRecord(m_fileSize));
    if (e.size > m_budget.total - std::min(m_budget.total, m_inflated))
        return fail("record '" + printableName(e.name) + "' would bring the archive to " + byteSizeText(m_inflated + e.size) +
                    " inflated, more than the " + m_budget.describeTotal(m_fileSize));
    return Status::success();
}

Result<uint64_t> ZipArchive::dataOffset(const Entry& e) const {
    unsigned char h[kLocalFixed];
    if (Status s = readRaw(e.localHeaderOffset, h, kLocalFixed); !s)
        return fail("record '" + printableName(e.name) + "': " + s.error().message);
    if (le32(h) != kLocalHeader) return fail("record '" + printableName(e.name) + "' has no local header (corrupt zip archive)");
    const uint64_t start = e.localHeaderOffset + kLocalFixed + le16(h + 26) + le16(h + 28);
    if (start > m_fileSize || e.compressedSize > m_fileSize - start)
        return fail("record '" + printableName(e.name) + "' runs past the end of the file (truncated zip archive)");
    return start;
}

Status ZipArchive::readInto(const Entry& e, void* dst) {
    if (Status s = checkBudget(e); !s) return s;
    auto start = dataOffset(e);
    if (!start) return start.error();
    const std::string what = "record '" + printableName(e.name) + "'";
    if (e.method == 0) {
        if (Status s = readRaw(*start, dst, e.size); !s) return fail(what + ": " + s.error().message);
    } else {
        z_stream zs{};
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return fail(what + ": cannot start inflating");
        std::vector<unsigned char> in(1 << 16);
        uint64_t consumed = 0;
        unsigned char* out = static_cast<unsigned char*>(dst);
        uint64_t produced = 0;
        int rc = Z_OK;
        // One spare byte of output space tells a stream that inflates to more than declared.
        unsigned char spare = 0;
        bool overflow = false;
        while (rc != Z_STREAM_END) {
            if (zs.avail_in == 0) {
                const uint64_t piece = std::min<uint64_t>(in.size(), e.compressedSize - consumed);
                if (piece == 0) break;
                if (Status s = readRaw(*start + consumed, in.data(), piece); !s) {
                    inflateEnd(&zs);
                    return fail(what + ": " + s.error().message);
                }
                consumed += piece;
                zs.next_in = in.data();
                zs.avail_in = unsigned(piece);
            }
            if (produced < e.size) {
                zs.next_out = out + produced;
                zs.avail_out = unsigned(std::min<uint64_t>(e.size - produced, 1u << 30));
            } else {
                zs.next_out = &spare;
                zs.avail_out = 1;
            }
            const uint64_t before = zs.total_out;
            rc = inflate(&zs, Z_NO_FLUSH);
            const uint64_t got = zs.total_out - before;
            if (produced >= e.size && got > 0) {
                overflow = true;
                break;
            }
            produced += got;
            if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && zs.avail_in == 0)) break;
        }
        inflateEnd(&zs);
        if (overflow) return fail(what + ": inflates to more than its declared " + byteSizeText(e.size) + " (corrupt or hostile zip)");
        if (rc != Z_STREAM_END)
            return fail(what + ": deflate data is corrupt or truncated after " + std::to_string(produced) + " of " +
                        std::to_string(e.size) + " bytes");
        if (produced != e.size)
            return fail(what + ": inflates to " + std::to_string(produced) + " bytes, not its declared " + std::to_string(e.size));
    }
    m_inflated += e.size;
    return checkCrc(e, static_cast<const unsigned char*>(dst));
}

Status ZipArchive::checkCrc(const Entry& e, const unsigned char* bytes) const {
    uLong crc = crc32_z(0L, Z_NULL, 0);
    crc = crc32_z(crc, bytes, size_t(e.size));
    if (uint32_t(crc) != e.crc32) {
        char buf[96];
        std::snprintf(buf, sizeof buf, ": CRC-32 is %08x, the archive records %08x (corrupt data)", unsigned(crc), unsigned(e.crc32));
        return fail("record '" + printableName(e.name) + "'" + buf);
    }
    return Status::success();
}

Result<const uint8_t*> ZipArchive::storedBytes(const Entry& e, const uint8_t* mapped, uint64_t mappedSize) {
    if (e.method != 0) return static_cast<const uint8_t*>(nullptr);
    if (Status s = checkBudget(e); !s) return s.error();
    // The file changed size since the archive was opened: its records are not where the
    // directory says.
    if (!mapped || mappedSize != m_fileSize)
        return fail("record '" + printableName(e.name) + "': the file changed while it was read (" + std::to_string(mappedSize) +
                    " bytes, " + std::to_string(m_fileSize) + " when opened)");
    // open() refused a stored record whose sizes differ; dataOffset keeps it inside the file.
    auto start = dataOffset(e);
    if (!start) return start.error();
    const uint8_t* p = mapped + *start;
    if (Status s = checkCrc(e, p); !s) return s.error();
    m_inflated += e.size;
    return p;
}

Result<std::string> ZipArchive::read(const Entry& e) {
    if (Status s = checkBudget(e); !s) return s.error();
    std::string out(size_t(e.size), '\0');
    if (Status s = readInto(e, out.data()); !s) return s.error();
    return out;
}

Result<std::string> ZipArchive::read(const std::string& relative) {
    const Entry* e = find(relative);
    if (!e) return fail("record '" + printableName(relative) + "' is missing from the archive");
    return read(*e);
}

}  // namespace pareto::detail
