// SPDX-License-Identifier: Apache-2.0
#pragma once
// A .tar.gz of a package folder: POSIX ustar records, gzip by zlib.

#include "common/result.h"

#include <cstdint>
#include <string>

namespace pareto {

/// @brief Writes a folder as a gzip-compressed POSIX ustar archive.
///
/// Entries are `topName/` and everything below it (regular files and folders only; links and
/// other kinds are refused), folders before their contents, names sorted, mode 0644/0755,
/// uid/gid 0, the given mtime; names longer than 100 bytes use the ustar prefix field. The
/// archive ends with two zero blocks and is padded to a 10240-byte record, as tar(1) expects.
class TarGzWriter {
public:
    /// The archive's bytes (in memory: packages are small).
    static Result<std::string> archive(const std::string& folder, const std::string& topName, int64_t mtime);

    /// Plain ustar (no gzip), for tests and for archive().
    static Result<std::string> tar(const std::string& folder, const std::string& topName, int64_t mtime);

    /// gzip (RFC 1952) of `bytes` with zlib.
    static Result<std::string> gzip(const std::string& bytes, int level = 6);
};

}  // namespace pareto
