#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Folder of the committed demo model and data: $PARETO_RESOURCE_DIR, else the
/// source tree's resources/ (developer builds), else share/pareto-studio (installed).
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

}  // namespace pareto
