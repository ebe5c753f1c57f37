// SPDX-License-Identifier: Apache-2.0
#pragma once
// What an opened ONNX model's graphs hold, for `pareto inspect` and the studio: plain data.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pareto {

/// @brief The opset, ops and quantizable layers of an ONNX model's file(s). Plain value.
struct OnnxGraphSummary {
    struct Part {
        std::string file;                               ///< "vae.encoder.onnx"
        int opset = 0;
        int64_t nodes = 0;
        std::vector<std::pair<std::string, int>> ops;   ///< op type -> nodes, by name
        int64_t staticBatch = 0;                        ///< 0: a dynamic batch
        std::string input, output;                      ///< graph input, output 0
    };
    std::vector<Part> parts;                            ///< the file, or encoder then decoder
    /// Quantizable layers per op (input 1 of Conv, ConvTranspose, Gemm, MatMul), by name.
    std::vector<std::pair<std::string, int>> quantizableOps;
    int quantizableLayers = 0;
    std::vector<std::string> findings;                  ///< initializers kept FP32, and why
};

}  // namespace pareto
