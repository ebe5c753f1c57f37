// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one model interface of core: every model, built in or loaded, answers what it is and
// what it can do, so no caller needs to know its concrete type.

#include "common/result.h"
#include "common/statedict.h"
#include "model/modelprecision.h"
#include "model/onnxgraphsink.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Generator;
}

namespace pareto {

/// How a model is called.
enum class ModelInterface {
    Vae,          ///< encode(x) -> mu [, logvar], decode(z) -> x_hat
    Autoencoder,  ///< forward(x) -> x_hat only
};

/// "vae" / "autoencoder"
const char* modelInterfaceName(ModelInterface i);

/// What sits between encoder and decoder.
enum class LatentKind {
    None,      ///< a forward-only model: no latent we can reach
    Vector,    ///< [L] per image
    Spatial,   ///< [C, h, w] per image: C-vectors at every position
    Codebook,  ///< [K, L]: each position's L-vector is replaced by its nearest of K codes
};

/// "none" / "vector" / "spatial" / "codebook"
const char* latentKindName(LatentKind k);

/// @brief A model's latent: its kind and shape (per image; for a codebook, [K, L]).
struct LatentInfo {
    LatentKind kind = LatentKind::None;
    std::vector<int64_t> shape;
    /// The latent dimension the latent slider works on: L (vector), C (spatial), L (codebook
    /// code width); 0 for none.
    int64_t dim() const;
};

/// The layer a tensor belongs to, as far as quantization and TensorRT care.
enum class LayerKind { Conv, ConvTranspose, Linear, Embedding, Norm, Other };

/// "conv" / "conv-transpose" / "linear" / "embedding" / "norm" / "other"
const char* layerKindName(LayerKind k);

/// @brief A closed interval of values ([0, 1] for images as loaded; [-1, 1] for a tanh output).
struct ValueRange {
    double lo = 0.0;
    double hi = 1.0;
    bool isUnit() const { return lo == 0.0 && hi == 1.0; }
    bool operator==(const ValueRange& o) const { return lo == o.lo && hi == o.hi; }
};

/// "[0, 1]", "[-1, 1]"
std::string valueRangeText(const ValueRange& r);
/// Parses "0,1" or "-1,1" (`--input-range`); errors name the text.
Result<ValueRange> parseValueRange(const std::string& text);

/// @brief One floating-point parameter or buffer of a model, as it computes with it.
struct ModelTensor {
    std::string name;      ///< "encoder.0.weight", as a state dict names it
    at::Tensor tensor;     ///< the model's own tensor: read it, never write it
    LayerKind layer = LayerKind::Other;
    /// Output-channel axis scales run along: 0 for Conv/Linear/Embedding weights, 1 for
    /// ConvTranspose weights; -1 for tensors without one (biases, norm parameters).
    int64_t axis = -1;
    bool buffer = false;   ///< a float buffer the model needs (BatchNorm running statistics)
    /// Quantized under a plain scheme: the weight of a Conv, ConvTranspose, Linear or
    /// Embedding layer. Everything else stays FP32 unless a precision map asks.
    bool quantizedByDefault = false;
};

/// @brief What a model says about itself: shapes, ranges, latent and size. Plain value.
struct ModelInfo {
    std::string arch;                   ///< "tinyvae", "torchscript", ... (registry name)
    ModelInterface interface = ModelInterface::Vae;
    std::vector<int64_t> inputShape;    ///< [C, H, W]
    ValueRange inputRange;              ///< what the model expects; images are mapped from [0, 1]
    ValueRange outputRange;             ///< what it returns; mapped linearly to [0, 1] for metrics
    LatentInfo latent;
    int64_t params = 0;                 ///< floating-point parameter elements
    int64_t bufferValues = 0;           ///< floating-point buffer elements (BatchNorm statistics)
    /// latent.dim(): L for vector and codebook latents, C for spatial ones, 0 without one.
    int64_t latentDim = 0;
    /// 4 x (params + bufferValues): every float the model needs to run, at 4 bytes.
    int64_t fp32Bytes() const { return 4 * (params + bufferValues); }
};

/// @brief Which latent reductions a model allows, and why not when none.
struct LatentReductionSupport {
    bool fold = false;        ///< a PCA can be folded into the weights (a real, smaller model)
    bool projection = false;  ///< a PCA can run between encode and decode
    std::string reason;       ///< why neither works ("a forward-only model has no latent to reduce")
    bool any() const { return fold || projection; }
};

/// @brief The loss of one training batch, both as the optimiser sees it and per image.
struct TrainingLoss {
    at::Tensor loss;  ///< scalar: the mean over the batch of the per-image objective
    at::Tensor sse;   ///< [N] sum of squared reconstruction errors per image (in [0, 1] units)
};

/// @brief How a training batch is scored (TinyVAE: SSE + beta KL; VQ-VAE: its own terms).
struct TrainingOptions {
    double beta = 1.0;                 ///< KL weight (VAEs that have one)
    bool sample = true;                ///< sample z (training) or use mu (validation)
    at::Generator* generator = nullptr;
    at::Tensor teacherTarget;          ///< a teacher's reconstruction in [0, 1] (distillation), or undefined
    double teacherWeight = 0.0;
};

/// Files a package can hold for a model.
enum class ExportArtifact {
    PackedWeights,  ///< weights.safetensors (every model)
    TorchScript,    ///< model.pt
    Onnx,           ///< model.onnx, encoder.onnx, decoder.onnx (a graph core/onnx writes)
};

/// @brief A model that can be measured, compressed and exported.
///
/// Images go in and come out in [0, 1]: the base class maps them to the model's input range
/// and its output back, linearly and without clamping; the *Native methods work in the
/// model's own ranges (what an exported model computes). Implementations are immutable after
/// construction and safe to call from one worker thread at a time; a compressed variant is
/// always another object over other tensors (withWeights), never shared modules.
class Model {
public:
    virtual ~Model() = default;

    virtual ModelInfo info() const = 0;
    /// Every floating-point parameter and float buffer the model needs to run, in its order.
    virtual std::vector<ModelTensor> tensors() const = 0;
    /// A separate model computing with `weights` (same names and shapes as tensors(); float32).
    /// It uses those tensors as given and never the original's storage: changing one model
    /// can never change the other. Errors name the tensor that does not fit.
    virtual Result<std::shared_ptr<const Model>> withWeights(const StateDict& weights) const = 0;

    // --- running, in the model's own ranges ---------------------------------------------
    /// The reconstruction of x (model input range), deterministic: decode(mu) for a VAE.
    virtual at::Tensor forwardNative(const at::Tensor& x) const;
    /// The latent (mu for a VAE; the encoder output before code lookup for a codebook).
    /// Only for ModelInterface::Vae; others throw.
    virtual at::Tensor encodeNative(const at::Tensor& x) const;
    /// Output for latent z (model output range). Only for ModelInterface::Vae.
    virtual at::Tensor decodeNative(const at::Tensor& z) const;

    // --- running on images in [0, 1] ----------------------------------------------------
    /// forwardNative on x mapped to the input range, mapped back to [0, 1]; no autograd.
    at::Tensor reconstruct(const at::Tensor& x) const;
    /// encodeNative(x mapped to the input range).
    at::Tensor encode(const at::Tensor& x) const;
    /// decodeNative(z) mapped to [0, 1].
    at::Tensor decode(const at::Tensor& z) const;
    /// x in [0, 1] -> the model's input range / native output -> [0, 1].
    at::Tensor toInputRange(const at::Tensor& x) const;
    at::Tensor fromOutputRange(const at::Tensor& y) const;

    // --- capabilities -------------------------------------------------------------------
    virtual LatentReductionSupport latentReductions() const;
    /// The PCA z' = basis^T (z - mean) folded into the weights: a real model with latent
    /// dimension k = basis.size(1). `mean` [L], `basis` [L, k] float64. Only when
    /// latentReductions().fold; errors otherwise.
    virtual Result<std::shared_ptr<const Model>> foldLatent(const at::Tensor& mean, const at::Tensor& basis) const;

    /// Whether `pareto train` and distillation can train it, and why not.
    virtual bool trainable() const { return false; }
    virtual std::string notTrainableReason() const;
    /// The training objective on a batch of images in [0, 1], with autograd through this
    /// model's tensors (withWeights of tensors that require grad). Only when trainable().
    virtual Result<TrainingLoss> trainingLoss(const at::Tensor& x, const TrainingOptions& options) const;

    /// Files a package can hold for this model; PackedWeights always.
    virtual std::vector<ExportArtifact> exportArtifacts() const;
    /// Why the model cannot have a TorchScript model.pt / an ONNX file ("" when it can).
    virtual std::string noTorchScriptReason() const;
    /// model.pt: this model as a TorchScript archive with its own weights at `precision`
    /// (FP16 rounds them; ops run in the input's dtype). Only when exportArtifacts() has it.
    virtual Result<std::string> torchScriptArchive(ModelPrecision precision) const;
    /// Why the model has no ONNX files, and how to get one ("" when it has).
    virtual std::string noOnnxReason() const;
    /// The ONNX files it can have (model first); empty without ExportArtifact::Onnx.
    virtual std::vector<OnnxGraphPart> onnxGraphParts() const { return {}; }
    /// Describes one part's graph to `sink`, op for op what forwardNative / encodeNative /
    /// decodeNative compute (model's own ranges). Only for parts onnxGraphParts() lists.
    virtual Status buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const;
    /// The highest opset its ONNX files may be written in: a user's own graph stays near the
    /// opset it was exported for (so INT4, opset 21, is out). 0: any.
    virtual int onnxMaxOpset() const { return 0; }
    /// What runs between the encoder and decoder files on the device (None unless the model
    /// has a step ONNX leaves out, as a VQ-VAE's nearest-code lookup).
    virtual OnnxLatentStep onnxLatentStep() const { return {}; }

    /// Intermediate tensors of one forward pass per image, in order (the input first), for
    /// memory estimates; `complete` false when only some are known (opaque programs).
    struct Activation {
        std::string name;
        std::vector<int64_t> shape;
        int64_t elements = 0;
    };
    virtual std::vector<Activation> activations(bool* complete = nullptr) const;

    /// Short description for messages: "tinyvae (C=3, L=16)", "torchscript Foo".
    virtual std::string describe() const;

    /// True when several threads may run this model at once (forwardNative, encodeNative,
    /// decodeNative): a pure function of its immutable tensors. Evaluation then measures its
    /// batches on every core; other models run on one thread at a time, as promised above.
    virtual bool reentrant() const { return false; }
};

using ModelPtr = std::shared_ptr<const Model>;

/// The tensors of `model` as a state dict (the model's own tensors: read only).
StateDict modelWeights(const Model& model);

}  // namespace pareto
