#include "common/statedict.h"

#include <ATen/ATen.h>

namespace pareto {

void StateDict::set(const std::string& name, const at::Tensor& tensor) {
    for (auto& e : m_entries) {
        if (e.name == name) {
            e.tensor = tensor;
            return;
        }
    }
    m_entries.push_back({name, tensor});
}

const at::Tensor* StateDict::find(const std::string& name) const {
    for (const auto& e : m_entries)
        if (e.name == name) return &e.tensor;
    return nullptr;
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
    out.m_entries.reserve(m_entries.size());
    for (const auto& e : m_entries)
        out.m_entries.push_back({e.name, e.tensor.defined() ? e.tensor.detach().clone().contiguous() : e.tensor});
    return out;
}

StateDict StateDict::withPrefixStripped(const std::string& prefix) const {
    StateDict out;
    for (const auto& e : m_entries)
        if (e.name.compare(0, prefix.size(), prefix) == 0) out.m_entries.push_back({e.name.substr(prefix.size()), e.tensor});
    return out;
}

}  // namespace pareto
