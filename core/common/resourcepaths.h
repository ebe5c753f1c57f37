#pragma once

#include <string>

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
