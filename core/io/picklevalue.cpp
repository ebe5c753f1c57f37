// SPDX-License-Identifier: Apache-2.0
#include "io/picklevalue.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pareto::detail {
namespace {

// Shortest text that reads back as the same double ("0.001", not "0.001000").
std::string doubleText(double v) {
    char buf[40];
    for (int precision : {15, 17}) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

}  // namespace

std::string pickleKeyOf(const PickleValue& v) {
    using K = PickleValue::Kind;
    switch (v.kind) {
    case K::String: return "s" + v.text;
    case K::Bytes: return "b" + v.text;
    // Python treats True == 1 and 1.0 == 1 as the same key; so do we.
    case K::Int:
    case K::Bool: return "i" + std::to_string(v.integer);
    case K::Float:
        // Only a whole float inside int64's range converts (1e300, inf and NaN would be
        // undefined behaviour); any other float keys as itself.
        if (v.real >= -9223372036854775808.0 && v.real < 9223372036854775808.0 && v.real == std::trunc(v.real))
            return "i" + std::to_string(static_cast<int64_t>(v.real));
        return "f" + doubleText(v.real);
    case K::None: return "n";
    default: return {};
    }
}

const PickleValue* PickleValue::dictGet(const std::string& key) const {
    if (kind != Kind::Dict || !keyIndex) return nullptr;
    auto it = keyIndex->find("s" + key);
    return it == keyIndex->end() ? nullptr : dictValue(it->second);
}

bool PickleValue::isScalar() const {
    return kind == Kind::None || kind == Kind::Bool || kind == Kind::Int || kind == Kind::Float ||
           kind == Kind::String;
}

std::string PickleValue::scalarText() const {
    switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return integer ? "True" : "False";
    case Kind::Int: return std::to_string(integer);
    case Kind::Float: return doubleText(real);
    case Kind::String: return text;
    default: return {};
    }
}

std::string PickleValue::describe() const {
    switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global " + text;
    case Kind::Opaque: return "opaque " + text;
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
    }
    return "?";
}

}  // namespace pareto::detail
