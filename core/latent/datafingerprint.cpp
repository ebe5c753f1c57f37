// SPDX-License-Identifier: Apache-2.0
#include "latent/datafingerprint.h"

#include "common/hash.h"

#include <ATen/ATen.h>

namespace pareto {

DataFingerprint fingerprintDataset(const Dataset& data) {
    DataFingerprint f;
    f.identity = data.identity;
    if (data.size() == 0) {
        f.sha256 = sha256Hex(nullptr, 0);
        return f;
    }
    // The float32 bytes of every image in order, hashed in batches: the digest of the whole
    // [N, C, H, W] tensor without holding it.
    Sha256 hash;
    constexpr int64_t kBatch = 256;
    for (int64_t start = 0; start < data.size(); start += kBatch) {
        const at::Tensor t = data.batch(start, std::min(kBatch, data.size() - start)).to(at::kCPU, at::kFloat).contiguous();
        hash.update(t.data_ptr(), t.nbytes());
    }
    f.shape = {data.size()};
    for (int64_t d : data.shape()) f.shape.push_back(d);
    f.sha256 = hash.hex();
    return f;
}

}  // namespace pareto
