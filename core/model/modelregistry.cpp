// SPDX-License-Identifier: Apache-2.0
#include "model/modelregistry.h"

#include "model/tinyvae.h"
#include "model/visionpuzzlevae.h"

namespace pareto {

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> list = {
        TinyVae::architecture(),
        VisionPuzzleVae::architecture(),
    };
    return list;
}

const Architecture* findArchitecture(const std::string& name) {
    for (const auto& a : architectures())
        if (a.name == name) return &a;
    return nullptr;
}

TensorShapes shapesOf(const StateDict& weights) {
    TensorShapes s;
    for (const auto& e : weights.entries()) s.push_back({e.name, e.tensor.sizes().vec()});
    return s;
}

namespace {

std::string triedNames() {
    std::string names;
    for (const auto& a : architectures()) names += (names.empty() ? "" : ", ") + a.name;
    return names;
}

}  // namespace

Result<std::shared_ptr<const Model>> modelFromWeights(const StateDict& weights) {
    const TensorShapes shapes = shapesOf(weights);
    for (const auto& a : architectures())
        if (a.claims(shapes)) return a.fromWeights(weights);
    return fail("the tensor names match no built-in architecture (" + triedNames() +
                "); a model of another architecture opens as TorchScript or ONNX");
}

Result<ModelInfo> describeWeights(const TensorShapes& shapes) {
    for (const auto& a : architectures())
        if (a.claims(shapes)) return a.describe(shapes);
    return fail("the tensor names match no built-in architecture (" + triedNames() + ")");
}

}  // namespace pareto
