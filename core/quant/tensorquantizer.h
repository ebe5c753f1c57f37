// SPDX-License-Identifier: Apache-2.0
#pragma once
// Quantizing one tensor: the public entry to the kernels.

#include "common/result.h"
#include "quant/quantizedtensor.h"
#include "quant/quantscheme.h"

#include <ATen/core/Tensor.h>

#include <string>

namespace pareto {

/// Which kernels run: the scalar reference or the fast path (bit-identical results).
enum class KernelPath { Reference, Fast };

struct QuantizeOptions {
    KernelPath path = KernelPath::Fast;
    bool parallel = true;  ///< fast path: spread rows over ATen's intra-op threads
};

/// Quantizes `tensor` (any floating dtype, any device; read only, never modified) with
/// `scheme` along output-channel `axis` (0 for Conv/Linear/Embedding, 1 for ConvTranspose; the
/// model says which: ModelTensor::axis). Fails, naming `name`, on an undefined or non-floating tensor, a bad
/// axis or scheme, NaN/Inf values, or a scale/cast out of the FP16 range.
Result<QuantizedTensor> quantizeTensor(const std::string& name, const at::Tensor& tensor, const QuantScheme& scheme,
                                       int64_t axis = 0, const QuantizeOptions& options = {});

/// The stored values as float32 in the original shape (a new tensor). Buffers whose sizes
/// do not match the scheme and layout give an undefined tensor.
at::Tensor dequantize(const QuantizedTensor& q, KernelPath path = KernelPath::Fast);

/// Whether q's buffer sizes match its scheme, layout and shape (what dequantize() checks).
bool hasConsistentStorage(const QuantizedTensor& q);

}  // namespace pareto
