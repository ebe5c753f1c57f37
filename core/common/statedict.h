// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pareto {

/// @brief An ordered name -> tensor map, the weights of a model.
///
/// Order is the order the file (or the architecture) lists the tensors in. Copies of a
/// StateDict share tensor storage; use deepClone() for an independent copy (the baseline
/// and a compressed model must never share storage).
class StateDict {
public:
    struct Entry {
        std::string name;
        at::Tensor tensor;
    };

    /// Adds or replaces `name`. Keeps the position of an existing entry.
    void set(const std::string& name, const at::Tensor& tensor);
    const at::Tensor* find(const std::string& name) const;
    bool contains(const std::string& name) const { return find(name) != nullptr; }
    /// The tensor for `name`; an undefined tensor if absent.
    at::Tensor get(const std::string& name) const;

    const std::vector<Entry>& entries() const { return m_entries; }
    std::vector<std::string> names() const;
    size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }

    /// Sum of numel over all floating-point tensors (the model's parameter count).
    int64_t parameterCount() const;

    /// An independent copy: every tensor cloned, contiguous, no shared storage.
    StateDict deepClone() const;

    /// Keeps only entries whose name starts with `prefix`, with the prefix removed.
    StateDict withPrefixStripped(const std::string& prefix) const;

private:
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, size_t> m_index;  // name -> position in m_entries
};

}  // namespace pareto
