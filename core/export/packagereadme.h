// SPDX-License-Identifier: Apache-2.0
#pragma once
// README.md of a package, for the person at the device.

#include <nlohmann/json.hpp>

#include <string>

namespace pareto {

/// @brief Writes the package README from the manifest (everything but its file list).
///
/// Says what the package holds (model, configuration, sizes, metrics with CIs, target and fit,
/// TensorRT findings), how to verify it (sha256sum, `pareto verify`, or a self-contained
/// Python script using json + struct + numpy + torch, which starts with the line
/// `# verify.py`), how to load model.pt in Python and in C++, and how to build the
/// verifier on a Jetson without the GUI.
struct PackageReadme {
    static std::string render(const nlohmann::ordered_json& manifest, const std::string& packageName);
    /// verify_trt.py: builds a TensorRT engine from each ONNX file with the TensorRT Python API
    /// shipped with JetPack and compares it with golden/. Written from TensorRT's documentation
    /// and not run by our tests (no TensorRT or Jetson there); the file says so.
    static std::string verifyTrtScript(const nlohmann::ordered_json& manifest);
};

}  // namespace pareto
