// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turns exception texts from LibTorch, miniz and the JSON parser into the one-line
// fragments our error messages are made of.

#include <exception>
#include <string>

namespace pareto::detail {

/// @brief First line of `text`, trimmed and cut to `maxChars` (c10 messages carry
/// backtraces and multi-line context that must not reach a one-line error).
std::string oneLine(const std::string& text, size_t maxChars = 300);

/// @brief oneLine() of an exception's message; c10::Error without its backtrace.
std::string exceptionText(const std::exception& e);

}  // namespace pareto::detail
