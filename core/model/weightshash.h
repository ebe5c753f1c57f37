// SPDX-License-Identifier: Apache-2.0
#pragma once
// Identity of a model's weights: two models with the same hash compute the same function
// (the same tensor names, shapes and float32 values), however they were made.

#include <string>

namespace pareto {

class Model;

/// SHA-256 (lowercase hex) over every tensor of `model` in order: its name, its shape and its
/// values as contiguous float32. The original L = 16 and a catalog's "trained k = 16" copy of
/// the same file hash equal; any changed value changes it.
std::string weightsHash(const Model& model);

}  // namespace pareto
