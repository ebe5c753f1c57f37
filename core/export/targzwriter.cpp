// SPDX-License-Identifier: Apache-2.0
#include "export/targzwriter.h"

#include "common/atomicfile.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace pareto {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kRecord = 20 * kBlock;

struct Header {
    char name[100];
    char mode[8];
    char uid[8];
    char gid[8];
    char size[12];
    char mtime[12];
    char chksum[8];
    char typeflag;
    char linkname[100];
    char magic[6];
    char version[2];
    char uname[32];
    char gname[32];
    char devmajor[8];
    char devminor[8];
    char prefix[155];
    char pad[12];
};
static_assert(sizeof(Header) == kBlock, "a ustar header is one 512-byte block");

// Octal, zero-padded, NUL-terminated in a field of `width` bytes.
bool octal(char* field, size_t width, uint64_t value) {
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + (value & 7)));
        value >>= 3;
    } while (value);
    if (s.size() > width - 1) return false;
    s.insert(s.begin(), width - 1 - s.size(), '0');
    std::memcpy(field, s.data(), width - 1);
    field[width - 1] = '\0';
    return true;
}

// Splits `path` into ustar name (<= 100) and prefix (<= 155) at a '/'.
bool splitName(const std::string& path, std::string& name, std::string& prefix) {
    if (path.size() <= 100) {
        name = path;
        prefix.clear();
        return true;
    }
    for (size_t cut = path.find('/'); cut != std::string::npos; cut = path.find('/', cut + 1)) {
        if (cut <= 155 && path.size() - cut - 1 <= 100 && path.size() - cut - 1 > 0) {
            prefix = path.substr(0, cut);
            name = path.substr(cut + 1);
            return true;
        }
    }
    return false;
}

Status appendEntry(std::string& out, const std::string& path, bool dir, const std::string& data, int64_t mtime) {
    Header h;
    std::memset(&h, 0, sizeof h);
    std::string name, prefix;
    if (!splitName(path, name, prefix)) return fail(path + ": name too long for a ustar archive");
    std::memcpy(h.name, name.data(), name.size());
    std::memcpy(h.prefix, prefix.data(), prefix.size());
    octal(h.mode, sizeof h.mode, dir ? 0755 : 0644);
    octal(h.uid, sizeof h.uid, 0);
    octal(h.gid, sizeof h.gid, 0);
    if (!octal(h.size, sizeof h.size, dir ? 0 : data.size())) return fail(path + ": too large for a ustar archive");
    octal(h.mtime, sizeof h.mtime, static_cast<uint64_t>(std::max<int64_t>(0, mtime)));
    h.typeflag = dir ? '5' : '0';
    std::memcpy(h.magic, "ustar", 6);  // "ustar\0"
    std::memcpy(h.version, "00", 2);
    std::memcpy(h.uname, "root", 4);
    std::memcpy(h.gname, "root", 4);
    // The checksum is computed with its own field read as eight spaces.
    std::memset(h.chksum, ' ', sizeof h.chksum);
    unsigned sum = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(&h);
    for (size_t i = 0; i < kBlock; ++i) sum += bytes[i];
    std::string cs;
    for (unsigned v = sum; v; v >>= 3) cs.insert(cs.begin(), static_cast<char>('0' + (v & 7)));
    cs.insert(cs.begin(), 6 - std::min<size_t>(6, cs.size()), '0');
    std::memcpy(h.chksum, cs.data(), 6);
    h.chksum[6] = '\0';
    h.chksum[7] = ' ';
    out.append(reinterpret_cast<const char*>(&h), kBlock);
    if (!dir) {
        out += data;
        out.append((kBlock - data.size() % kBlock) % kBlock, '\0');
    }
    return Status::success();
}

}  // namespace

Result<std::string> TarGzWriter::tar(const std::string& folder, const std::string& topName, int64_t mtime) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return fail(folder + ": not a folder");
    struct Item {
        std::string rel;
        bool dir;
    };
    std::vector<Item> items;
    for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto st = it->symlink_status();
        const std::string rel = fs::relative(it->path(), folder).generic_string();
        if (fs::is_directory(st)) items.push_back({rel, true});
        else if (fs::is_regular_file(st)) items.push_back({rel, false});
        else return fail(it->path().string() + ": only regular files and folders can go into the archive");
    }
    if (ec) return fail(folder + ": cannot list: " + ec.message());
    // Sorting full paths puts every folder before its contents ("a" < "a/b").
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.rel < b.rel; });
    std::string out;
    if (Status st = appendEntry(out, topName + "/", true, {}, mtime); !st) return st.error();
    for (const Item& i : items) {
        std::string data;
        if (!i.dir) {
            auto bytes = readFile((fs::path(folder) / i.rel).string());
            if (!bytes) return bytes.error();
            data = std::move(*bytes);
        }
        if (Status st = appendEntry(out, topName + "/" + i.rel + (i.dir ? "/" : ""), i.dir, data, mtime); !st) return st.error();
    }
    out.append(2 * kBlock, '\0');
    out.append((kRecord - out.size() % kRecord) % kRecord, '\0');
    return out;
}

Result<std::string> TarGzWriter::gzip(const std::string& bytes, int level) {
    z_stream z;
    std::memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return fail("gzip: cannot initialise zlib");
    std::string out;
    out.resize(deflateBound(&z, static_cast<uLong>(bytes.size())) + 64);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const size_t produced = out.size() - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return fail("gzip: compression did not finish");
    out.resize(produced);
    return out;
}

Result<std::string> TarGzWriter::archive(const std::string& folder, const std::string& topName, int64_t mtime) {
    auto t = tar(folder, topName, mtime);
    if (!t) return t.error();
    return gzip(*t);
}

}  // namespace pareto
