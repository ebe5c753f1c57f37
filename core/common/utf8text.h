// SPDX-License-Identifier: Apache-2.0
#pragma once
// Names (paths, image files, tensor names) are bytes; what we print must not be. These turn
// any byte string into text that JSON encoders and terminals accept, without ever failing.

#include <string>

namespace pareto {

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool isValidUtf8(const std::string& bytes);

/// `bytes` with every byte that is not part of a well-formed UTF-8 sequence replaced by
/// U+FFFD (one per byte), for JSON and other UTF-8-only outputs.
std::string utf8Replaced(const std::string& bytes);

/// `bytes` for a terminal or log line: invalid UTF-8 bytes and control characters
/// (newlines included, so a message stays one line) as `\xNN`; valid text unchanged.
std::string printableText(const std::string& bytes);

}  // namespace pareto
