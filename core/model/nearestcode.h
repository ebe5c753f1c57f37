#pragma once
// A VQ-VAE's nearest-code step, shared by the model (decode) and by the ONNX validation that
// runs it between encoder.onnx and decoder.onnx (as the device does).

#include <ATen/core/Tensor.h>

namespace pareto {

/// The index of the nearest code (Euclidean; ties to the lowest index) of every position of
/// z [N, L, h, w] among codebook [K, L]: [N, h, w] int64. Squared distances are summed per
/// code over L, in z's dtype.
at::Tensor nearestCodeIndices(const at::Tensor& z, const at::Tensor& codebook);
/// The code vectors of `indices` [N, h, w]: [N, L, h, w] in the codebook's dtype (a permuted view).
at::Tensor codeVectors(const at::Tensor& codebook, const at::Tensor& indices);
/// codeVectors(codebook, nearestCodeIndices(z, codebook)), contiguous.
at::Tensor nearestCodeVectors(const at::Tensor& z, const at::Tensor& codebook);

}  // namespace pareto
