// SPDX-License-Identifier: Apache-2.0
#pragma once
// The built-in architectures: recognised from a state dict's keys and shapes, made fresh for
// training. Adding one is a file pair in core/model/ and one line in modelregistry.cpp.

#include "common/result.h"
#include "common/statedict.h"
#include "model/model.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

/// Tensor names and shapes, as a safetensors header or a state dict lists them.
using TensorShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

/// @brief What `pareto train --arch` may set for a fresh model.
struct ArchitectureConfig {
    int64_t channels = 3;
    int64_t latentDim = 16;
    uint64_t seed = 1;
};

/// @brief One built-in architecture.
struct Architecture {
    std::string name;  ///< the `arch` string: "tinyvae", ...
    /// True when the names are this architecture's (its characteristic keys are there),
    /// whether or not every shape fits: then its errors are the ones worth reporting.
    std::function<bool(const TensorShapes&)> claims;
    /// The model over these weights (float32, used as given), or why they do not fit.
    std::function<Result<std::shared_ptr<const Model>>(const StateDict&)> fromWeights;
    /// What the shapes describe, without building the model (catalogs, manifests).
    std::function<Result<ModelInfo>(const TensorShapes&)> describe;
    /// A fresh model with PyTorch's default initialisation, seeded (`pareto train`).
    std::function<Result<std::shared_ptr<const Model>>(const ArchitectureConfig&)> create;
};

/// Every built-in architecture, in the order they are tried.
const std::vector<Architecture>& architectures();
/// The architecture named `name`, or null.
const Architecture* findArchitecture(const std::string& name);

/// Names and shapes of a state dict.
TensorShapes shapesOf(const StateDict& weights);

/// The built-in model these weights are: the first architecture that claims them builds it
/// (its error when they do not fit); none claiming is an error listing what was tried.
Result<std::shared_ptr<const Model>> modelFromWeights(const StateDict& weights);
/// What the shapes describe, by the same rule.
Result<ModelInfo> describeWeights(const TensorShapes& shapes);

}  // namespace pareto
