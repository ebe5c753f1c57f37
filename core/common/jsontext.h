// SPDX-License-Identifier: Apache-2.0
#pragma once
// JSON text that never throws on a name: strings that are not UTF-8 (a file name is bytes)
// come out with U+FFFD in place of each bad byte instead of a type_error.

#include <nlohmann/json.hpp>

#include <string>

namespace pareto {

/// j.dump(indent) with invalid UTF-8 replaced (nlohmann's error_handler_t::replace); for
/// nlohmann::json and nlohmann::ordered_json alike.
template <class Json>
std::string dumpJson(const Json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pareto
