// SPDX-License-Identifier: Apache-2.0
#pragma once
// The plain scalar reference of every quantize / pack / unpack / dequantize: one value at
// a time, one bit at a time, no tricks. The fast kernels are tested against it.

#include "common/result.h"
#include "quant/quantizedtensor.h"

#include <string>

namespace pareto::detail {

/// Quantizes the q.layout.numel() channel-first values at x into q's buffers. q.name,
/// shape, axis, scheme and layout must be set. Fails on NaN/Inf, on a scale beyond the
/// FP16 range, and on FP16/BF16 overflow, naming the tensor.
Status quantizeReference(const float* x, QuantizedTensor& q);

/// Writes q's values, dequantized, to out in channel-first (layout) order.
void dequantizeReference(const QuantizedTensor& q, float* out);

/// Error texts shared with the fast path so both report the same thing.
std::string nonFiniteMessage(const std::string& tensor, int64_t index, float value);
std::string scaleRangeMessage(const std::string& tensor, int64_t block);
std::string castOverflowMessage(const std::string& tensor, int64_t index, float value, const char* dtype);

}  // namespace pareto::detail
