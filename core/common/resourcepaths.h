#pragma once

#include <string>

namespace pareto {

/// @brief Folder of the committed demo model and data: $PARETO_RESOURCE_DIR, else the
/// source tree's resources/ (developer builds), else share/pareto-studio (installed).
std::string resourceDir();

/// The embedded demo TinyVAE (1 channel, L=16, trained on Fashion-MNIST).
std::string demoModelPath();

/// Data spec of the embedded held-out subset (works without dataset-fashion-mnist).
std::string demoDataSpec();

}  // namespace pareto
