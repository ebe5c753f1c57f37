// SPDX-License-Identifier: Apache-2.0
#include "quant/sizereport.h"
#include "common/jsontext.h"

#include <nlohmann/json.hpp>

namespace pareto {

void SizeReport::add(Entry e) {
    (e.buffer ? bufferValues : params) += e.params;
    bytes += e.bytes;
    tensors.push_back(std::move(e));
    const int64_t values = params + bufferValues;
    fp32Bytes = 4 * values;
    ratio = bytes > 0 ? static_cast<double>(fp32Bytes) / static_cast<double>(bytes) : 0.0;
    effectiveBitsPerParam = values > 0 ? 8.0 * static_cast<double>(bytes) / static_cast<double>(values) : 0.0;
}

const SizeReport::Entry* SizeReport::find(const std::string& name) const {
    for (const auto& e : tensors)
        if (e.name == name) return &e;
    return nullptr;
}

std::string SizeReport::toJson() const {
    nlohmann::json t = nlohmann::json::array();
    for (const auto& e : tensors)
        t.push_back({{"name", e.name}, {"scheme", e.scheme}, {"params", e.params}, {"bytes", e.bytes}, {"buffer", e.buffer}});
    nlohmann::json doc = {{"tensors", t},
                          {"params", params},
                          {"buffer_values", bufferValues},
                          {"bytes", bytes},
                          {"fp32_bytes", fp32Bytes},
                          {"ratio", ratio},
                          {"effective_bits_per_param", effectiveBitsPerParam}};
    return dumpJson(doc, 2);
}

}  // namespace pareto
