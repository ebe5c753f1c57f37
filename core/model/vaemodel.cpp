#include "model/vaemodel.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

namespace pareto {

at::Tensor VaeModel::reconstruct(const at::Tensor& x) const {
    at::NoGradGuard noGrad;
    return decode(encodeMu(x));
}

}  // namespace pareto
