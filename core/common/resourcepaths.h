// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Folder of the committed demo model and data, the first that applies of:
/// $PARETO_RESOURCE_DIR; `../share/pareto-studio` beside the running executable (an
/// installed or unpacked copy, wherever its prefix is); the source tree's resources/, but
/// only while the executable lies inside the build tree it was built in; the install
/// prefix's share/pareto-studio as configured.
std::string resourceDir();

/// The embedded demo TinyVAE (1 channel, L=16, trained on Fashion-MNIST).
std::string demoModelPath();

/// Data spec of the embedded held-out subset (works without dataset-fashion-mnist).
std::string demoDataSpec();

/// @brief A committed demo model and the data it opens with.
struct DemoModel {
    std::string title;     ///< "TinyVAE, Fashion-MNIST 64x64 (L=16)"
    std::string path;      ///< the checkpoint
    std::string dataSpec;  ///< demoDataSpec(): the embedded subset, loaded in the model's input shape
    /// Held-out images it opens with (-1: all 1,000): fewer for 224x224, where one pass over
    /// 1,000 images takes tens of seconds on two cores.
    int64_t limit = -1;
};

/// Every demo model, the TinyVAE (demoModelPath()) first, then SAGE's VisionPuzzleVAE
/// (224x224 VQ-VAE, L=64) trained on Fashion-MNIST resized to RGB 224x224.
std::vector<DemoModel> demoModels();


namespace detail {

/// @brief Everything resourceDir() decides from, so the order can be tested without moving
/// executables around.
struct ResourceLookup {
    std::string environment;     ///< $PARETO_RESOURCE_DIR ("" when unset)
    std::string executableDir;   ///< folder of the running executable, symlinks resolved ("" unknown)
    std::string buildDir;        ///< the build tree the executable was built in
    std::string sourceResources; ///< the source tree's resources/
    std::string installResources;///< <prefix>/share/pareto-studio as configured
};

/// The folder resourceDir() picks for `lookup`; only the candidates that exist as folders
/// count, and the last one is returned when none does.
std::string chooseResourceDir(const ResourceLookup& lookup);

}  // namespace detail
}  // namespace pareto
