// SPDX-License-Identifier: Apache-2.0
#include "quant/tensorquantizer.h"

#include "quant/fastkernels.h"
#include "quant/referencekernels.h"

#include <ATen/ATen.h>

namespace pareto {

Result<QuantizedTensor> quantizeTensor(const std::string& name, const at::Tensor& tensor, const QuantScheme& scheme,
                                       int64_t axis, const QuantizeOptions& options) {
    if (!tensor.defined()) return fail("tensor '" + name + "' is undefined");
    if (!tensor.is_floating_point())
        return fail("tensor '" + name + "' has dtype " + std::string(c10::toString(tensor.scalar_type())) +
                    "; only floating-point tensors can be quantized");
    if (Status st = scheme.validate(); !st) return fail("tensor '" + name + "': " + st.error().message);

    QuantizedTensor q;
    q.name = name;
    q.shape = tensor.sizes().vec();
    q.axis = axis;
    q.scheme = scheme;
    auto layout = BlockLayout::make(q.shape, axis, scheme);
    if (!layout) return fail("tensor '" + name + "': " + layout.error().message);
    q.layout = *layout;

    try {
        // A float32, contiguous, channel-first view or copy; the input is only read.
        at::Tensor x = tensor.detach().to(at::kCPU, at::kFloat).contiguous();
        if (q.layout.permuted) x = x.movedim(axis, 0).contiguous();
        const float* data = x.data_ptr<float>();
        Status st = options.path == KernelPath::Reference ? detail::quantizeReference(data, q)
                                                          : detail::quantizeFast(data, q, options.parallel);
        if (!st) return st.error();
    } catch (const std::exception& e) {
        return fail("tensor '" + name + "': " + e.what());
    }
    return q;
}

bool hasConsistentStorage(const QuantizedTensor& q) {
    auto layout = BlockLayout::make(q.shape, q.axis, q.scheme);
    if (!layout || layout->rows != q.layout.rows || layout->rowLength != q.layout.rowLength ||
        layout->blockSize != q.layout.blockSize || layout->permuted != q.layout.permuted)
        return false;
    const QuantizedTensor::StorageSizes sz = q.expectedSizes();
    return sz.packed == static_cast<int64_t>(q.packed.size()) && sz.scalesFp16 == static_cast<int64_t>(q.scalesFp16.size()) &&
           sz.scalesFp32 == static_cast<int64_t>(q.scalesFp32.size()) &&
           sz.zeroPoints == static_cast<int64_t>(q.zeroPoints.size());
}

at::Tensor dequantize(const QuantizedTensor& q, KernelPath path) {
    if (!hasConsistentStorage(q)) return {};
    std::vector<int64_t> rowShape = q.shape;
    if (q.layout.permuted) {
        const auto a = static_cast<size_t>(q.axis);
        rowShape.erase(rowShape.begin() + static_cast<std::ptrdiff_t>(a));
        rowShape.insert(rowShape.begin(), q.shape[a]);
    }
    at::Tensor out = at::empty(rowShape, at::kFloat);
    if (path == KernelPath::Reference) detail::dequantizeReference(q, out.data_ptr<float>());
    else detail::dequantizeFast(q, out.data_ptr<float>());
    if (q.layout.permuted) out = out.movedim(0, q.axis).contiguous();
    return out;
}

}  // namespace pareto
