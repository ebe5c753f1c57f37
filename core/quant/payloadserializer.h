// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stored bytes of a quantized model, concatenated.

#include "quant/quantizedmodel.h"

#include <string>

namespace pareto {

/// Every tensor's stored bytes in state-dict order, no headers: for a quantized tensor its
/// packed values, then its scales (little-endian half or float), then its zero-points; for
/// a tensor kept in FP32 its float32 values (other buffers: their raw bytes). The size is
/// exactly model.size.bytes: the report counts what would be written, nothing less.
std::string serializePayload(const QuantizedModel& model);

}  // namespace pareto
