#include "common/resourcepaths.h"

#include <cstdlib>
#include <sys/stat.h>

namespace pareto {
namespace {

bool isDir(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string resourceDir() {
    if (const char* env = std::getenv("PARETO_RESOURCE_DIR"); env && *env) return env;
    if (isDir(PARETO_SOURCE_RESOURCE_DIR)) return PARETO_SOURCE_RESOURCE_DIR;
    return PARETO_INSTALL_RESOURCE_DIR;
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
