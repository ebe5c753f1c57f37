#include "latent/datafingerprint.h"

#include "common/hash.h"

#include <ATen/ATen.h>

namespace pareto {

DataFingerprint fingerprintDataset(const Dataset& data) {
    DataFingerprint f;
    f.identity = data.identity;
    if (!data.images.defined()) {
        f.sha256 = sha256Hex(nullptr, 0);
        return f;
    }
    const at::Tensor t = data.images.to(at::kCPU, at::kFloat).contiguous();
    f.shape = t.sizes().vec();
    f.sha256 = sha256Hex(t.data_ptr(), t.nbytes());
    return f;
}

}  // namespace pareto
