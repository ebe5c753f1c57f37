// SPDX-License-Identifier: Apache-2.0
#pragma once
// Moving a validated package into place so that a crash at any point leaves either the old
// or the new package whole, and tidying up after an interrupted export.

#include "common/result.h"

#include <functional>
#include <string>
#include <vector>

namespace pareto {

/// @brief Installs a staged package folder at its destination, never overwriting silently.
///
/// Names beside DEST (same parent, so every rename stays on one file system):
///  - `.NAME.partial-PID-RANDOM`: the folder an export writes and validates;
///  - `.NAME.replaced`: the previous package while it is being swapped out (fallback only);
///  - `NAME.tar.gz.tmp-PID-RANDOM`: a tar.gz being written (common/atomicfile.h);
///  - `.NAME.tar.gz.replaced-H`: the previous NAME.tar.gz while the folder is replaced, H
///    the first 16 hex digits of the manifest.sha256 of the folder it belonged to ("none").
///
/// Installing without `replace`: one rename with RENAME_NOREPLACE (an existing DEST, even
/// one created meanwhile, is refused). Replacing: renameat2(RENAME_EXCHANGE) swaps the two
/// folders in one step (DEST is never absent); where the file system lacks it, DEST is
/// renamed to `.NAME.replaced`, then the new folder to DEST. The old package is removed only
/// after the new one is in place. The stage hook is called with "install" (before the first
/// rename), "swap-aside" (fallback only, old package aside, DEST absent) and "remove-old"
/// (new package in place, old one not yet removed); an error or cancel from the hook rolls
/// back, restoring the old package exactly.
///
/// Recovery rule (recover(), run before every export to DEST):
///  1. `.NAME.replaced` exists and DEST does not: the crash hit between the two renames; the
///     old package is renamed back to DEST, if it is a package (a folder with manifest.json
///     and manifest.sha256, not a link); anything else is left where it is and reported.
///  2. `.NAME.replaced` exists and DEST exists: the crash hit after the new package was moved
///     in; `.NAME.replaced` (the old package) is removed, again only if it is a package.
///  3. `.NAME.partial-PID-*` and `NAME.tar.gz.tmp-PID-*` whose process PID no longer runs:
///     leftovers of an interrupted export; removed. (After an exchange the partial folder
///     holds the old package, which rule 3 removes: DEST already holds the new one.)
///  4. `.NAME.tar.gz.replaced-H`: with NAME.tar.gz present, removed; else renamed back to
///     NAME.tar.gz when DEST is still the package it belonged to (same H), removed when DEST
///     was replaced. So a tar.gz never sits beside a folder it does not hold.
/// DEST itself must not be a symbolic link: replacing one would put a folder where the
/// user had a link.
class PackageInstaller {
public:
    using StageHook = std::function<Status(const std::string& stage)>;

    explicit PackageInstaller(std::string destination);

    const std::string& destination() const { return m_dest; }
    /// A fresh `.NAME.partial-PID-RANDOM` path beside DEST (not created).
    std::string makeStagingPath() const;
    std::string asidePath() const;
    std::string tarPath() const { return m_dest + ".tar.gz"; }
    /// `.NAME.tar.gz.replaced-H` for the package whose manifest.sha256 is `manifestHash`.
    std::string tarAsidePath(const std::string& manifestHash) const;
    /// The SHA-256 recorded in `dir`/manifest.sha256, or "" when there is none.
    static std::string manifestHashOf(const std::string& dir);

    /// Applies the recovery rule; returns what it did, one line per action.
    Result<std::vector<std::string>> recover() const;

    /// Whether `dir` may be replaced by --force: an empty folder or one holding a
    /// manifest.json and manifest.sha256 (a package, intact or not). Anything else is refused.
    static bool isReplaceable(const std::string& dir);

    /// Renames a finished file (the tar.gz) into place: with `replace` over an existing one
    /// (atomic), else refusing to overwrite (RENAME_NOREPLACE).
    static Status placeFile(const std::string& from, const std::string& to, bool replace);

    /// Moves `staged` to DEST as described above. `allowExchange = false` forces the
    /// two-rename fallback (tests, and file systems known to lack RENAME_EXCHANGE).
    Status install(const std::string& staged, bool replace, const StageHook& hook, bool allowExchange = true) const;

private:
    std::string m_dest;
    std::string m_parent;
    std::string m_name;
};

/// fsync of a folder, so that renames inside it are on disk.
Status syncDirectory(const std::string& dir);

}  // namespace pareto
