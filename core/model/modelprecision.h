// SPDX-License-Identifier: Apache-2.0
#pragma once
// The arithmetic precision of the packaged TorchScript model.

#include "common/result.h"

#include <string>

namespace pareto {

/// FP32: the dequantized weights as float32 (the default; computes exactly what the
/// studio measured). FP16: the same weights rounded to float16 (half the file), computed in
/// the input's dtype, with its own measured metrics.
enum class ModelPrecision { Fp32, Fp16 };

/// "fp32" / "fp16"
const char* modelPrecisionName(ModelPrecision p);
Result<ModelPrecision> parseModelPrecision(const std::string& text);
/// Bytes of one weight or activation value: 4 or 2.
inline int modelPrecisionBytes(ModelPrecision p) { return p == ModelPrecision::Fp16 ? 2 : 4; }

}  // namespace pareto
