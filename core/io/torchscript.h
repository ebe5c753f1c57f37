#pragma once

#include "common/result.h"
#include "io/checkpoint.h"

#include <string>

namespace pareto::detail {

/// @brief Loads a TorchScript archive with LibTorch's torch::jit::load on the CPU and
/// copies its named parameters and floating buffers into `weights`.
Result<Checkpoint> loadTorchScript(const std::string& path);

}  // namespace pareto::detail
