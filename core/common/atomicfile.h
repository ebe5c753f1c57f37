// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>

namespace pareto {

/// @brief Writes `bytes` to `path` atomically: a temporary file beside it, fsync, then
/// rename. A crash leaves either the old file or the new one, never half of one.
Status writeFileAtomic(const std::string& path, const std::string& bytes);

/// @brief Reads a whole file; an error names the file.
Result<std::string> readFile(const std::string& path, size_t maxBytes = size_t(1) << 34);

}  // namespace pareto
