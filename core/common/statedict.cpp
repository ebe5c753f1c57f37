// SPDX-License-Identifier: Apache-2.0
#include "common/statedict.h"

#include <ATen/ATen.h>

namespace pareto {

void StateDict::set(const std::string& name, const at::Tensor& tensor) {
    auto it = m_index.find(name);
    if (it != m_index.end()) {
        m_entries[it->second].tensor = tensor;
        return;
    }
    m_index.emplace(name, m_entries.size());
    m_entries.push_back({name, tensor});
}

const at::Tensor* StateDict::find(const std::string& name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second].tensor;
}

at::Tensor StateDict::get(const std::string& name) const {
    const at::Tensor* t = find(name);
    return t ? *t : at::Tensor();
}

std::vector<std::string> StateDict::names() const {
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& e : m_entries) out.push_back(e.name);
    return out;
}

int64_t StateDict::parameterCount() const {
    int64_t n = 0;
    for (const auto& e : m_entries)
        if (e.tensor.defined() && e.tensor.is_floating_point()) n += e.tensor.numel();
    return n;
}

StateDict StateDict::deepClone() const {
    StateDict out;
    for (const auto& e : m_entries) out.set(e.name, e.tensor.defined() ? e.tensor.detach().clone().contiguous() : e.tensor);
    return out;
}

StateDict StateDict::withPrefixStripped(const std::string& prefix) const {
    StateDict out;
    for (const auto& e : m_entries)
        if (e.name.compare(0, prefix.size(), prefix) == 0) out.set(e.name.substr(prefix.size()), e.tensor);
    return out;
}

}  // namespace pareto
