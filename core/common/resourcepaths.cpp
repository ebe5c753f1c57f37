// SPDX-License-Identifier: Apache-2.0
#include "common/resourcepaths.h"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace pareto {
namespace {

bool isDir(const std::string& p) {
    struct stat st {};
    return !p.empty() && ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "/opt/x/bin/../share/pareto-studio" reads better as "/opt/x/share/pareto-studio".
std::string realPath(const std::string& p) {
    char buf[PATH_MAX];
    return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

std::string executableDir() {
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return {};
    const std::string exe(self, static_cast<size_t>(n));
    const auto slash = exe.rfind('/');
    return slash == std::string::npos ? std::string() : exe.substr(0, slash);
}

bool isInside(const std::string& path, const std::string& dir) {
    return !dir.empty() && (path == dir || path.rfind(dir + "/", 0) == 0);
}

}  // namespace

namespace detail {

std::string chooseResourceDir(const ResourceLookup& l) {
    if (!l.environment.empty()) return l.environment;
    // An installed copy finds its own data first, so a package that seems to work is not
    // quietly reading the tree it was built from.
    if (!l.executableDir.empty()) {
        const std::string beside = l.executableDir + "/../share/pareto-studio";
        if (isDir(beside)) return realPath(beside);
    }
    if (isInside(l.executableDir, l.buildDir) && isDir(l.sourceResources)) return l.sourceResources;
    return l.installResources;
}

}  // namespace detail

std::string resourceDir() {
    detail::ResourceLookup l;
    if (const char* env = std::getenv("PARETO_RESOURCE_DIR"); env && *env) l.environment = env;
    l.executableDir = executableDir();
    l.buildDir = realPath(PARETO_BUILD_DIR);
    l.sourceResources = PARETO_SOURCE_RESOURCE_DIR;
    l.installResources = PARETO_INSTALL_RESOURCE_DIR;
    return detail::chooseResourceDir(l);
}

std::string demoModelPath() { return resourceDir() + "/demo/tinyvae-fmnist-l16.safetensors"; }

std::string demoDataSpec() { return "fashion-mnist:" + resourceDir() + "/demo/fashion-mnist-subset"; }

}  // namespace pareto

namespace pareto {

std::vector<DemoModel> demoModels() {
    return {{"TinyVAE, Fashion-MNIST 64x64 (L=16)", demoModelPath(), demoDataSpec()},
            {"VisionPuzzleVAE, Fashion-MNIST 224x224 RGB (VQ-VAE, 10 codes of width 64)",
             resourceDir() + "/demo/visionpuzzlevae-fmnist-l64.safetensors", demoDataSpec(), 200}};
}

}  // namespace pareto
