#include "model/nearestcode.h"

#include <ATen/ATen.h>

#include <vector>

namespace pareto {

// Accumulated per code as sum((z - c)^2) over L, as model.pt's script does: exact enough that
// ties resolve the same way in both, and argmin takes the lowest index.
at::Tensor nearestCodeIndices(const at::Tensor& z, const at::Tensor& codebook) {
    const at::Tensor cb = codebook.to(z.dtype());
    std::vector<at::Tensor> d;
    for (int64_t k = 0; k < cb.size(0); ++k) d.push_back((z - cb[k].view({1, -1, 1, 1})).pow(2).sum(1));
    return at::stack(d, 1).argmin(1);
}

// A permuted view, as model.pt's script has it: the decoder's first conv then takes the same
// path in both and the outputs are bit-equal.
at::Tensor codeVectors(const at::Tensor& codebook, const at::Tensor& indices) {
    return at::embedding(codebook, indices).permute({0, 3, 1, 2});
}

// Contiguous: this one goes to other runtimes (OpenCV, files), which read dense NCHW.
at::Tensor nearestCodeVectors(const at::Tensor& z, const at::Tensor& codebook) {
    return codeVectors(codebook, nearestCodeIndices(z, codebook)).contiguous();
}

}  // namespace pareto
