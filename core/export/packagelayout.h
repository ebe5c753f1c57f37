#pragma once
// File names inside a deployment package, and the manifest's hash line.

#include "common/result.h"

#include <string>

namespace pareto {

/// @brief The fixed layout of a package folder.
///   weights.safetensors         packed weights (see packedweights.h)
///   model.pt                    TorchScript model (see torchscriptexport.h)
///   golden/input.safetensors    golden input batch ("input", float32 [K, C, 64, 64])
///   golden/expected.safetensors expected outputs ("reconstruction" [K, C, 64, 64], "mu" [K, L])
///   golden/tolerance.json       {"max_abs_error": ..., ...}
///   model.onnx, encoder.onnx, decoder.onnx   explicit Q/DQ ONNX for TensorRT (when the model has a graph)
///   golden/onnx_expected.safetensors         what the ONNX files compute on the golden input
///   codebook.safetensors        a VQ-VAE's codes for the nearest-code step between encoder.onnx and decoder.onnx
///   verify_trt.py               builds the engine on the device and compares it with golden/
///   README.md                   for the person at the device
///   manifest.json               everything about the package, the SHA-256 of every file above
///   manifest.sha256             "<sha256 of manifest.json>  manifest.json\n" (sha256sum -c format)
struct PackageLayout {
    static constexpr const char* kWeights = "weights.safetensors";
    static constexpr const char* kModel = "model.pt";
    static constexpr const char* kGoldenInput = "golden/input.safetensors";
    static constexpr const char* kGoldenExpected = "golden/expected.safetensors";
    static constexpr const char* kGoldenTolerance = "golden/tolerance.json";
    /// The outputs of the ONNX files' own weights (FP16 storage of tensors TensorRT cannot take
    /// as Q/DQ changes them): "reconstruction" of model.onnx (or of
    /// the encoder -> decoder pair), "mu" of encoder.onnx, and with a nearest-code step "z_q",
    /// the decoder's input.
    static constexpr const char* kGoldenOnnxExpected = "golden/onnx_expected.safetensors";
    static constexpr const char* kVerifyTrt = "verify_trt.py";
    /// "codebook": float32 [K, L], the values decoder.onnx is validated with (only for a model
    /// whose ONNX pair has the nearest-code step between its files).
    static constexpr const char* kCodebook = "codebook.safetensors";
    static constexpr const char* kReadme = "README.md";
    static constexpr const char* kManifest = "manifest.json";
    static constexpr const char* kManifestHash = "manifest.sha256";
    static constexpr const char* kSchema = "pareto-deployment-package";
    static constexpr int kSchemaVersion = 1;

    /// The manifest.sha256 text for a manifest hash.
    static std::string manifestHashLine(const std::string& sha256);
    /// The hash in a manifest.sha256 text; fails unless it is exactly one
    /// "<64 lowercase hex digits>  manifest.json" line.
    static Result<std::string> parseManifestHashLine(const std::string& text);
};

}  // namespace pareto
