// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "model/model.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace pareto {

/// @brief How to settle a TorchScript model's input shape and value ranges.
struct ScriptedModelOptions {
    /// `--input-shape C,H,W`: used as given (the model must run on it).
    std::optional<std::vector<int64_t>> inputShape;
    /// The data's own [C, H, W]: used when the model runs on it, so nothing is resized.
    std::optional<std::vector<int64_t>> dataShape;
    ValueRange inputRange;   ///< `--input-range`, [0, 1] by default
    ValueRange outputRange;  ///< `--output-range`, [0, 1] by default
};

/// The shapes the probe tries when neither --input-shape nor the data's shape settles it:
/// 1 and 3 channels x 28, 32, 64, 96, 128, 224, 256 square.
const std::vector<std::vector<int64_t>>& probeShapes();

/// @brief A TorchScript module of any architecture and size: `encode(x)` (returning mu, or
/// a tuple whose first element is mu, [N, L] or [N, C, h, w]) and `decode(z)`, or only
/// `forward(x) -> x_hat`.
///
/// Quantizable weights are found by the module type TorchScript keeps for each submodule:
/// Conv1d/2d/3d and Linear weights on axis 0, ConvTranspose1d/2d/3d on axis 1, Embedding
/// rows on axis 0; everything else (biases, norms, other modules) stays FP32. withWeights
/// clones the module and sets the new tensors in the clone. Loading and calling it runs the
/// file's code: only ever made from a module the user trusted.
class ScriptedModel : public Model {
public:
    /// Checks the methods, settles the input shape (options.inputShape; else options.dataShape
    /// if the model runs on it; else exactly one of probeShapes() running), the interface and
    /// the latent. `how` receives one line on how the input shape was chosen.
    static Result<std::shared_ptr<ScriptedModel>> create(std::shared_ptr<torch::jit::Module> module, const ScriptedModelOptions& options,
                                                         std::string* how = nullptr);

    ModelInfo info() const override { return m_info; }
    std::vector<ModelTensor> tensors() const override { return m_tensors; }
    Result<std::shared_ptr<const Model>> withWeights(const StateDict& weights) const override;
    at::Tensor forwardNative(const at::Tensor& x) const override;
    at::Tensor encodeNative(const at::Tensor& x) const override;
    at::Tensor decodeNative(const at::Tensor& z) const override;

    LatentReductionSupport latentReductions() const override;
    std::string notTrainableReason() const override;
    std::vector<ExportArtifact> exportArtifacts() const override;
    std::string noTorchScriptReason() const override;
    std::string noOnnxReason() const override;
    Result<std::string> torchScriptArchive(ModelPrecision precision) const override;
    std::string describe() const override;

    /// The qualified class of the root module ("__torch__.MyVae").
    const std::string& className() const { return m_className; }
    /// Whether encode() returns a tuple (mu, ...) rather than mu.
    bool encodeReturnsTuple() const { return m_encodeTuple; }

private:
    ScriptedModel(std::shared_ptr<torch::jit::Module> module, ModelInfo info, std::vector<ModelTensor> tensors, std::string className,
                  bool encodeTuple);

    std::shared_ptr<torch::jit::Module> m_module;
    ModelInfo m_info;
    std::vector<ModelTensor> m_tensors;
    std::string m_className;
    bool m_encodeTuple = false;
};

}  // namespace pareto
