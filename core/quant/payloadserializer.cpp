// SPDX-License-Identifier: Apache-2.0
#include "quant/payloadserializer.h"

#include <ATen/ATen.h>

namespace pareto {

std::string serializePayload(const QuantizedModel& model) {
    std::string out;
    out.reserve(static_cast<size_t>(model.size.bytes));
    auto append = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
    for (const auto& e : model.dequantized.entries()) {
        if (const QuantizedTensor* q = model.find(e.name)) {
            append(q->packed.data(), q->packed.size());
            append(q->scalesFp16.data(), q->scalesFp16.size() * sizeof(uint16_t));
            append(q->scalesFp32.data(), q->scalesFp32.size() * sizeof(float));
            append(q->zeroPoints.data(), q->zeroPoints.size());
        } else {
            const at::Tensor t = e.tensor.contiguous();
            append(t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size());
        }
    }
    return out;
}

}  // namespace pareto
