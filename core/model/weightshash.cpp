// SPDX-License-Identifier: Apache-2.0
#include "model/weightshash.h"

#include "common/hash.h"
#include "model/model.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace pareto {

std::string weightsHash(const Model& model) {
    Sha256 h;
    for (const ModelTensor& t : model.tensors()) {
        h.update(t.name.data(), t.name.size() + 1);  // with its NUL: names cannot run into shapes
        const std::vector<int64_t> shape = t.tensor.sizes().vec();
        const int64_t rank = static_cast<int64_t>(shape.size());
        h.update(&rank, sizeof rank);
        h.update(shape.data(), shape.size() * sizeof(int64_t));
        const at::Tensor v = t.tensor.detach().to(at::kFloat).contiguous().cpu();
        h.update(v.data_ptr<float>(), static_cast<size_t>(v.numel()) * sizeof(float));
    }
    return h.hex();
}

}  // namespace pareto
