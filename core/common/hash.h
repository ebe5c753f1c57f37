#pragma once

#include "common/result.h"

#include <cstddef>
#include <string>

namespace pareto {

/// @brief SHA-256 of a byte range, lowercase hex.
std::string sha256Hex(const void* data, size_t size);
/// @brief SHA-256 of a whole file, lowercase hex; streams, so large files are fine.
Result<std::string> sha256File(const std::string& path);

}  // namespace pareto
