// SPDX-License-Identifier: Apache-2.0
#include "export/packageinstaller.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pareto {
namespace {

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

bool unsupported(int err) { return err == EINVAL || err == ENOSYS || err == ENOTSUP; }

// rename(2) refusing to replace anything; falls back to check-then-rename where
// RENAME_NOREPLACE is not available (a race only against another writer of DEST).
Status renameNoReplace(const std::string& from, const std::string& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Status::success();
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) return fail(to + ": already exists; not overwritten");
    if (!unsupported(err)) return fail(to + ": cannot move the package into place: " + std::strerror(err));
    std::error_code ec;
    if (fs::exists(to, ec)) return fail(to + ": already exists; not overwritten");
    if (::rename(from.c_str(), to.c_str()) != 0) return fail(to + ": cannot move the package into place: " + std::strerror(errno));
    return Status::success();
}

Status renamePlain(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) return fail(to + ": rename from " + from + " failed: " + std::strerror(errno));
    return Status::success();
}

// After a rename has happened, a failed fsync of the folder only weakens durability; it does
// not undo the rename, so it is not a reason to roll back.
void settle(const std::string& dir) { (void)syncDirectory(dir); }

bool processAlive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// PID of `name` = PREFIX + "PID-..." or -1.
long pidAfter(const std::string& name, const std::string& prefix) {
    if (name.compare(0, prefix.size(), prefix) != 0) return -1;
    const std::string rest = name.substr(prefix.size());
    char* end = nullptr;
    const long pid = std::strtol(rest.c_str(), &end, 10);
    return end && *end == '-' && pid > 0 ? pid : -1;
}

}  // namespace

Status syncDirectory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail(dir + ": cannot open folder to sync: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0 && errno != EINVAL) return fail(dir + ": fsync failed: " + std::strerror(errno));
    return Status::success();
}

PackageInstaller::PackageInstaller(std::string destination) : m_dest(std::move(destination)) {
    while (m_dest.size() > 1 && m_dest.back() == '/') m_dest.pop_back();
    const fs::path p(m_dest);
    m_parent = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    m_name = p.filename().string();
}

std::string PackageInstaller::makeStagingPath() const {
    std::random_device rd;
    return (fs::path(m_parent) / ("." + m_name + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(rd()))).string();
}

std::string PackageInstaller::asidePath() const { return (fs::path(m_parent) / ("." + m_name + ".replaced")).string(); }

std::string PackageInstaller::tarAsidePath(const std::string& manifestHash) const {
    const std::string h = manifestHash.size() >= 16 ? manifestHash.substr(0, 16) : std::string("none");
    return (fs::path(m_parent) / ("." + m_name + ".tar.gz.replaced-" + h)).string();
}

std::string PackageInstaller::manifestHashOf(const std::string& dir) {
    std::error_code ec;
    const fs::path file = fs::path(dir) / "manifest.sha256";
    if (!fs::is_regular_file(fs::symlink_status(file, ec))) return {};
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return {};
    char buf[65] = {};
    const size_t got = std::fread(buf, 1, 64, f);
    std::fclose(f);
    if (got != 64) return {};
    for (char c : std::string(buf, 64))
        if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    return std::string(buf, 64);
}

bool PackageInstaller::isReplaceable(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec))) return false;  // a link is never replaced
    if (fs::is_empty(dir, ec)) return true;
    return fs::is_regular_file(fs::path(dir) / "manifest.json", ec) && fs::is_regular_file(fs::path(dir) / "manifest.sha256", ec);
}

Result<std::vector<std::string>> PackageInstaller::recover() const {
    std::vector<std::string> actions;
    std::error_code ec;
    const std::string aside = asidePath();
    if (fs::exists(fs::symlink_status(aside, ec))) {
        if (!fs::exists(fs::symlink_status(m_dest, ec))) {
            if (!isReplaceable(aside)) {
                actions.push_back("left " + aside + " alone: it is not a package, so it was not renamed to " + m_dest);
            } else {
                if (Status st = renamePlain(aside, m_dest); !st) return st.error();
                actions.push_back("restored the previous package from " + aside + " (an export was interrupted while swapping)");
            }
        } else if (!isReplaceable(aside)) {
            actions.push_back("left " + aside + " alone: it is not a package, so it was not removed");
        } else {
            fs::remove_all(aside, ec);
            if (ec) return fail(aside + ": cannot remove the replaced package: " + ec.message());
            actions.push_back("removed " + aside + " (the package an interrupted export had already replaced)");
        }
    }
    const std::string partialPrefix = "." + m_name + ".partial-";
    const std::string tarPrefix = m_name + ".tar.gz.tmp-";
    for (auto it = fs::directory_iterator(m_parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string n = it->path().filename().string();
        long pid = pidAfter(n, partialPrefix);
        if (pid < 0) pid = pidAfter(n, tarPrefix);
        if (pid < 0 || processAlive(pid)) continue;
        std::error_code e2;
        fs::remove_all(it->path(), e2);
        if (e2) return fail(it->path().string() + ": cannot remove the leftover of an interrupted export: " + e2.message());
        actions.push_back("removed " + it->path().string() + " (left by interrupted export, process " + std::to_string(pid) + ")");
    }
    // Rule 4: a tar.gz set aside while its folder was being replaced.
    const std::string tarAsidePrefix = "." + m_name + ".tar.gz.replaced-";
    std::vector<fs::path> tarAsides;
    for (auto it = fs::directory_iterator(m_parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n.compare(0, tarAsidePrefix.size(), tarAsidePrefix) == 0) tarAsides.push_back(it->path());
    }
    const std::string destHash = manifestHashOf(m_dest);
    const std::string destTag = destHash.size() >= 16 ? destHash.substr(0, 16) : std::string("none");
    for (const auto& p : tarAsides) {
        const std::string tag = p.filename().string().substr(tarAsidePrefix.size());
        std::error_code e2;
        if (!fs::exists(fs::symlink_status(tarPath(), e2)) && tag == destTag && fs::is_regular_file(fs::symlink_status(p, e2))) {
            if (Status st = renamePlain(p.string(), tarPath()); !st) return st.error();
            actions.push_back("restored " + tarPath() + " from " + p.string() + " (its package is still in place)");
        } else {
            fs::remove(p, e2);
            if (e2) return fail(p.string() + ": cannot remove the tar.gz of a replaced package: " + e2.message());
            actions.push_back("removed " + p.string() + " (the tar.gz of a package an interrupted export replaced)");
        }
    }
    if (!actions.empty()) settle(m_parent);
    return actions;
}

Status PackageInstaller::placeFile(const std::string& from, const std::string& to, bool replace) {
    if (!replace) return renameNoReplace(from, to);
    return renamePlain(from, to);
}

Status PackageInstaller::install(const std::string& staged, bool replace, const StageHook& hook, bool allowExchange) const {
    const auto call = [&](const char* stage) { return hook ? hook(stage) : Status::success(); };
    if (Status st = syncDirectory(staged); !st) return st;
    if (Status st = call("install"); !st) return st;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(m_dest, ec)))
        return fail(m_dest + ": is a symbolic link; not replacing it (give the folder it points to)");
    if (!replace || !fs::exists(m_dest, ec)) {
        if (Status st = renameNoReplace(staged, m_dest); !st) return st;
        return syncDirectory(m_parent);
    }
    if (!isReplaceable(m_dest)) return fail(m_dest + ": exists and is not a package; not replacing it");

    if (allowExchange) {
        if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, m_dest.c_str(), RENAME_EXCHANGE) == 0) {
            settle(m_parent);
            // `staged` now holds the old package.
            if (Status st = call("remove-old"); !st) {
                if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, m_dest.c_str(), RENAME_EXCHANGE) != 0)
                    return fail(m_dest + ": could not swap the previous package back (" + std::strerror(errno) + "); it is in " + staged);
                settle(m_parent);
                return st;
            }
            fs::remove_all(staged, ec);
            return Status::success();
        }
        if (!unsupported(errno)) return fail(m_dest + ": cannot swap in the new package: " + std::strerror(errno));
    }

    const std::string aside = asidePath();
    if (fs::exists(aside, ec)) return fail(aside + ": exists (left by an interrupted export); run the export again to recover it");
    if (Status st = renamePlain(m_dest, aside); !st) return st;
    settle(m_parent);
    const auto restore = [&](Status why) -> Status {
        if (Status back = renamePlain(aside, m_dest); !back)
            return fail(m_dest + ": could not restore the previous package (" + back.error().message + "); it is in " + aside);
        settle(m_parent);
        return why;
    };
    if (Status st = call("swap-aside"); !st) return restore(st);
    if (Status st = renamePlain(staged, m_dest); !st) return restore(st);
    settle(m_parent);
    if (Status st = call("remove-old"); !st) {
        if (Status back = renamePlain(m_dest, staged); !back) return back;
        return restore(st);
    }
    fs::remove_all(aside, ec);
    return Status::success();
}

}  // namespace pareto
