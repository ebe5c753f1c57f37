#pragma once
// model.pt: a TinyVAE as a TorchScript module compiled from source in C++, no Python.

#include "common/result.h"
#include "export/modelprecision.h"
#include "model/tinyvae.h"

#include <string>

namespace pareto {

/// TorchScript source of the module's methods for this configuration:
///   encode(x) -> (mu, logvar), decode(z) -> reconstruction, forward(x) -> decode(mu),
///   features(x) -> the 4096 flattened encoder features.
/// The arithmetic is TinyVae's op for op (conv2d, group_norm eps 1e-5, relu,
/// adaptive_avg_pool2d 8x8, linear, conv_transpose2d stride 2 padding 1 output_padding 1,
/// sigmoid). FP16: weights are cast to the input's dtype in each op, so a float32 input
/// computes in float32 (CPU) and a half input in half (CUDA).
std::string tinyVaeScriptSource(const TinyVaeConfig& config, ModelPrecision precision);

/// The serialized TorchScript archive (torch::jit::Module::save) of `model`: submodules
/// mirror SAGE's (encoder.0.depthwise, ..., decoder.6), so named_parameters() and
/// state_dict() use SAGE's names; the weights are copies (float32, or rounded to float16),
/// never the model's own storage; attributes `in_channels`, `latent_dim` (int) and
/// `precision` (str) describe it. Loads with torch.jit.load (Python) and torch::jit::load.
Result<std::string> tinyVaeTorchScript(const TinyVae& model, ModelPrecision precision);

/// `model`'s weights as the packaged model holds them: float32 copies, or rounded to
/// float16 and back (what the FP16 model computes with on a float32 input).
StateDict weightsAtPrecision(const StateDict& weights, ModelPrecision precision);

}  // namespace pareto
