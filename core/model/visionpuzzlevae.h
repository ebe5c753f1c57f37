// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "common/statedict.h"
#include "model/model.h"
#include "model/modelregistry.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace pareto {

/// @brief Shape of a SAGE VisionPuzzleVAE: input 3 x 224 x 224, a [30, 30] grid of codes
/// chosen among K (10 in SAGE) code vectors of width L.
struct VisionPuzzleVaeConfig {
    int64_t latentDim = 64;  ///< L, the code width
    int64_t numCodes = 10;   ///< K

    static constexpr int64_t kChannels = 3;
    static constexpr int64_t kImageSize = 224;
    static constexpr int64_t kGridSize = 30;      ///< the puzzle grid, 30 x 30 positions
    static constexpr int64_t kDecodedSize = 240;  ///< the last ConvTranspose2d's output, resized to 224

    /// 332,099 + (257 + K) L: 332,099 + 267 L for K = 10.
    int64_t parameterCount() const;
    /// BatchNorm running means and variances: 2 x (32 + 64 + 128 + 128 + 64 + 32) = 896.
    int64_t bufferCount() const;
    bool operator==(const VisionPuzzleVaeConfig& o) const { return latentDim == o.latentDim && numCodes == o.numCodes; }
};

/// @brief SAGE's VisionPuzzleVAE (a VQ-VAE) evaluated functionally over a StateDict with
/// SAGE's names (`encoder.encoder.N.*`, `vq.codebook.weight`, `decoder.decoder.N.*`).
///
/// encode(x) is the encoder's output [N, L, 30, 30] before the code lookup; decode(z)
/// replaces each position's L-vector by its nearest code (Euclidean, ties to the lowest
/// index) and decodes it, so reconstruction = decode(encode(x)) is deterministic. Inputs in
/// [0, 1] are mapped to [-1, 1] by the model itself (as SAGE's: when the batch's minimum is
/// >= 0); the output is a Tanh in [-1, 1]. BatchNorm uses its running statistics (eval mode)
/// except in trainingLoss with options.sample. Its latent is LatentKind::Codebook [K, L]; the
/// codes are its one Embedding tensor, `vq.codebook.weight` [K, L] (what the latent slider's PCA
/// reads). Immutable; thread-compatible; only core/model knows this type.
class VisionPuzzleVae : public Model {
public:
    /// Names and shapes in SAGE's state-dict order (num_batches_tracked left out: an integer
    /// the model does not compute with).
    static TensorShapes expectedShapes(const VisionPuzzleVaeConfig& config);
    /// What shapes of this architecture describe; errors name the tensor that does not fit.
    static Result<VisionPuzzleVaeConfig> configOf(const TensorShapes& shapes);
    /// Tensors become float32 (no copy when they already are); num_batches_tracked is dropped.
    static Result<VisionPuzzleVae> fromStateDict(const StateDict& weights);
    /// PyTorch's default initialisation (BatchNorm 1/0, statistics 0/1; SAGE's codebook
    /// uniform(-1/K, 1/K)), seeded.
    static VisionPuzzleVae randomInit(const VisionPuzzleVaeConfig& config, uint64_t seed);
    /// The registry entry: recognised by `vq.codebook.weight` and `encoder.encoder.0.weight`.
    static Architecture architecture();

    VisionPuzzleVae(VisionPuzzleVaeConfig config, StateDict weights);

    ModelInfo info() const override;
    std::vector<ModelTensor> tensors() const override;
    Result<std::shared_ptr<const Model>> withWeights(const StateDict& weights) const override;
    at::Tensor encodeNative(const at::Tensor& x) const override;
    at::Tensor decodeNative(const at::Tensor& z) const override;

    LatentReductionSupport latentReductions() const override;
    Result<std::shared_ptr<const Model>> foldLatent(const at::Tensor& mean, const at::Tensor& basis) const override;
    bool trainable() const override { return true; }
    Result<TrainingLoss> trainingLoss(const at::Tensor& x, const TrainingOptions& options) const override;
    std::vector<ExportArtifact> exportArtifacts() const override;
    /// encoder.onnx (x in [0, 1] -> z_e [N, L, 30, 30]) and decoder.onnx (z_q -> x_hat in
    /// [-1, 1]); the nearest-code step between them runs on the device (onnxLatentStep).
    std::vector<OnnxGraphPart> onnxGraphParts() const override;
    Status buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const override;
    OnnxLatentStep onnxLatentStep() const override;
    Result<std::string> torchScriptArchive(ModelPrecision precision) const override;
    std::vector<Activation> activations(bool* complete = nullptr) const override;
    std::string describe() const override;
    bool reentrant() const override { return true; }  ///< ATen ops over immutable tensors

    /// The code index of every grid position of latents z [N, L, 30, 30]: [N, 30, 30] int64
    /// (SAGE's "puzzle").
    at::Tensor nearestCodes(const at::Tensor& z) const;
    /// The image of a grid of code indices [N, 30, 30], in [-1, 1].
    at::Tensor decodeCodes(const at::Tensor& codes) const;

    const VisionPuzzleVaeConfig& config() const { return m_config; }
    const StateDict& weights() const { return m_weights; }

    /// TorchScript source of model.pt's methods: encode, decode, forward, encode_to_puzzle,
    /// decode_from_puzzle; this class's arithmetic op for op.
    static std::string scriptSource(const VisionPuzzleVaeConfig& config, ModelPrecision precision);

private:
    at::Tensor encoderOutput(const at::Tensor& x, bool training) const;
    at::Tensor decoderOutput(const at::Tensor& q, bool training) const;
    at::Tensor batchNorm(const at::Tensor& x, const std::string& prefix, bool training) const;

    VisionPuzzleVaeConfig m_config;
    StateDict m_weights;
};

}  // namespace pareto
