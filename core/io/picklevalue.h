// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pareto::detail {

/// @brief One object produced by PickleReader: a plain value, a container, an allowed
/// global, a rebuilt tensor/storage, or an inert "opaque" stand-in for anything else.
///
/// Values live in the reader's arena and refer to each other by raw pointer, so memo
/// sharing and even cycles are safe, and freeing is flat (no recursive destructors that a
/// deeply nested crafted pickle could overflow the stack with).
struct PickleValue {
    enum class Kind {
        None,
        Bool,
        Int,
        Float,
        String,
        Bytes,
        Tuple,
        List,     ///< list, set and frozenset
        Dict,     ///< dict and collections.OrderedDict, insertion order kept
        Global,   ///< an allow-listed name (text), e.g. "torch.FloatStorage"
        Opaque,   ///< anything not allow-listed; text names it; never called
        Storage,  ///< a storage record as a 1-D tensor
        Tensor,
    };

    Kind kind = Kind::None;
    int64_t integer = 0;                ///< Int, Bool (0/1)
    double real = 0.0;                  ///< Float
    std::string text;                   ///< String, Bytes payload; Global, Opaque name
    std::vector<PickleValue*> items;    ///< Tuple/List elements; Dict: key, value, key, value...
    at::Tensor tensor;                  ///< Storage, Tensor
    /// Dict only: position (in pairs) of each scalar key, so SETITEM replaces in O(1).
    std::unique_ptr<std::unordered_map<std::string, size_t>> keyIndex;

    bool is(Kind k) const { return kind == k; }
    size_t dictSize() const { return items.size() / 2; }
    const PickleValue* dictKey(size_t i) const { return items[2 * i]; }
    const PickleValue* dictValue(size_t i) const { return items[2 * i + 1]; }
    /// Dict lookup by string key; null when absent or not a dict.
    const PickleValue* dictGet(const std::string& key) const;

    /// Short description for error messages: "int", "list", "opaque posix.system(...)".
    std::string describe() const;
    /// Text of a scalar (None/Bool/Int/Float/String), empty for anything else.
    std::string scalarText() const;
    bool isScalar() const;
};

/// Key used by PickleValue::keyIndex for hashable scalars; empty for other kinds.
std::string pickleKeyOf(const PickleValue& v);

}  // namespace pareto::detail
