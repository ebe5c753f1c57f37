// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fast quantize / dequantize kernels: tight loops over contiguous float rows (no
// per-element indirection), written so GCC/Clang vectorize them without -ffast-math,
// optionally parallel over rows with at::parallel_for. Bit-identical to the reference
// kernels (packed bytes and scales); tests/core/quant/tst_fastkernels.cpp checks it.

#include "common/result.h"
#include "quant/quantizedtensor.h"

namespace pareto::detail {

/// Same contract as quantizeReference(). `parallel` spreads row chunks over ATen's
/// intra-op pool (at::get_num_threads()).
Status quantizeFast(const float* x, QuantizedTensor& q, bool parallel = true);

/// Same contract as dequantizeReference().
void dequantizeFast(const QuantizedTensor& q, float* out, bool parallel = true);

}  // namespace pareto::detail
