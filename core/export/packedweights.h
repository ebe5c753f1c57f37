// SPDX-License-Identifier: Apache-2.0
#pragma once
// weights.safetensors: a quantized model's stored bytes, readable by any safetensors reader.

#include "common/result.h"
#include "common/statedict.h"
#include "quant/quantizedmodel.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pareto {

/// Value of the file's `__metadata__["format"]`.
inline constexpr const char* kPackedWeightsFormat = "pareto-packed-weights";
inline constexpr int kPackedWeightsFormatVersion = 1;

/// @brief The contents of a packed weights file, re-opened.
///
/// File layout (safetensors; every tensor's bytes exactly as QuantizedTensor stores them,
/// in state-dict order, no padding between tensors):
///  - a quantized tensor NAME (integer, NF4, ternary) becomes `NAME.packed` (U8, the packed
///    code stream), `NAME.scales` (F16 or F32, one per block) and, when asymmetric,
///    `NAME.zero_points` (U8, zero-points packed at the scheme's bit width);
///  - an FP16 / BF16 cast becomes `NAME` (F16 / BF16, original shape);
///  - a tensor left in FP32 becomes `NAME` (F32, original shape).
/// `__metadata__` (string values, per the format): "format", "format_version", "producer",
/// "layout" (the byte layout in words), "params", "bytes", and "tensors": a JSON array, in
/// state-dict order, of {name, shape, scheme (canonical string), kind, bits, symmetric,
/// axis, rows, row_length, block_size, blocks, packing, scale_dtype, permuted, stored:
/// {packed, scales, zero_points} | {values}} — all a reader needs to dequantize.
/// The data section is therefore exactly SizeReport::bytes; the whole file adds the 8-byte
/// length and the JSON header.
struct PackedWeights {
    StateDict dequantized;                ///< float32, state-dict order (non-floating buffers as stored)
    std::vector<QuantizedTensor> tensors; ///< stored forms of the tensors not kept in FP32
    SizeReport size;                      ///< recounted from the stored bytes
    int64_t dataBytes = 0;                ///< the safetensors data section
    int64_t headerBytes = 0;              ///< 8 + JSON header length
    int64_t fileBytes = 0;
    std::map<std::string, std::string> metadata;
};

/// @brief Where a written file's bytes went.
struct PackedWeightsFileInfo {
    int64_t dataBytes = 0;
    int64_t headerBytes = 0;
    int64_t fileBytes = 0;
};

/// Writes `model`'s stored tensors to `path` atomically. `producer` names the tool
/// ("pareto 0.1.0"). Fails naming the tensor when its storage is inconsistent.
Result<PackedWeightsFileInfo> writePackedWeights(const std::string& path, const QuantizedModel& model,
                                                 const std::string& producer);

/// Re-opens a packed weights file with the validating safetensors reader, rebuilds each
/// stored tensor from the metadata (checking scheme, layout and buffer sizes agree), and
/// dequantizes with the scalar reference kernels — independently of the fast kernels that
/// made the file. Every tensor in the file must be described exactly once. Errors start
/// with the path and name the tensor.
Result<PackedWeights> readPackedWeights(const std::string& path);

}  // namespace pareto
