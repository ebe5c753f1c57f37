// SPDX-License-Identifier: Apache-2.0
#pragma once
// A user's ONNX autoencoder (torch.onnx.export, opsets 11-17) opened as data and run with
// OpenCV's DNN module: no Python, no code of the file's runs.

#include "common/result.h"
#include "model/model.h"
#include "model/onnxgraphsummary.h"
#include "model/scriptedmodel.h"

#include <memory>
#include <string>
#include <vector>

namespace pareto {

class OpenCvOnnxModel;

/// The ONNX opsets we read: what torch.onnx.export writes and OpenCV 4.6 runs.
inline constexpr int kOnnxOpenMinOpset = 11;
inline constexpr int kOnnxOpenMaxOpset = 17;
/// The opset an opened graph is converted to (when older) for per-axis DequantizeLinear.
inline constexpr int kOnnxOpenQdqOpset = 13;

/// @brief An ONNX autoencoder: one file `x -> x_hat` (forward only), or a pair
/// `NAME.encoder.onnx` (`x -> mu` or `(mu, logvar)`, vector or spatial) + `NAME.decoder.onnx`
/// (`z -> x_hat`), opened through either file (a VAE).
///
/// Its tensors are the graphs' float initializers and float Constant values (a pair prefixes
/// them `encoder.` / `decoder.`). Quantizable: the initializer that is input 1 of Conv (axis 0),
/// ConvTranspose (axis 1), Gemm (axis 0 with transB = 1, else 1) or MatMul (last axis); one whose
/// consumers disagree on the axis stays FP32 with a finding. withWeights writes the new values
/// into a copy of the graphs (the originals never change) and loads that copy into OpenCV DNN
/// (FP32, CPU). Immutable; calls into OpenCV are serialized per net; any thread.
class OnnxModel : public Model {
public:
    /// Whether `path` names an ONNX file (".onnx", any case).
    static bool isOnnxPath(const std::string& path);
    /// Opens the file (and its partner for `.encoder.onnx` / `.decoder.onnx`), checks opset,
    /// storage and input shape, and runs it once in OpenCV DNN. `options` gives the input
    /// shape where the graph's dimensions are dynamic, and the value ranges. `notes` receives
    /// the opset, the ops, the quantizable layers and any findings. Errors are one line
    /// starting with the file: a newer opset names it; external data says why it is refused;
    /// a graph OpenCV cannot run names the node, its op type and the opset.
    static Result<std::shared_ptr<const OnnxModel>> open(const std::string& path, const ScriptedModelOptions& options,
                                                         std::vector<std::string>* notes = nullptr);

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
    /// Model for one file; Model, Encoder and Decoder for a pair (model.onnx = both graphs in one).
    std::vector<OnnxGraphPart> onnxGraphParts() const override;
    /// The user's own graph (pruned to output 0, converted to opset 13 where it is older, for
    /// per-axis DequantizeLinear), its weights stored as the sink decides.
    Status buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const override;
    int onnxMaxOpset() const override;
    std::string describe() const override;

    /// The graph files with this model's weights as float32 initializers, in file order
    /// (single file, or encoder then decoder): what it runs, for another runtime to check.
    std::vector<std::string> graphFiles() const;
    /// One line per finding made when opening (consumers disagreeing on an axis, ...).
    const std::vector<std::string>& findings() const;
    /// The files' opsets, ops and quantizable layers (what `pareto inspect` shows).
    const OnnxGraphSummary& summary() const;

    struct Graphs;

private:
    OnnxModel(std::shared_ptr<const Graphs> graphs, ModelInfo info, std::vector<ModelTensor> tensors,
              std::vector<std::shared_ptr<const OpenCvOnnxModel>> nets);
    at::Tensor runPart(size_t part, const at::Tensor& x) const;

    std::shared_ptr<const Graphs> m_graphs;
    ModelInfo m_info;
    std::vector<ModelTensor> m_tensors;
    std::vector<std::shared_ptr<const OpenCvOnnxModel>> m_nets;
};

}  // namespace pareto
