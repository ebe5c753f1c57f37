#pragma once

#include "common/result.h"
#include "common/statedict.h"

#include <map>
#include <string>

namespace pareto {

/// @brief Reads a safetensors file with our own validating reader (memory-mapped).
/// Checks: header length limit, JSON well-formed, dtype known, shape x dtype size equals
/// the byte range, ranges inside the data area, no overlaps. Tensors are copied out of the
/// mapping, so the result owns its memory.
Result<StateDict> readSafetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr,
                                  size_t maxHeaderBytes = 100u << 20);

/// @brief Writes tensors (any dtype incl. uint8/int8 packed buffers) and string metadata
/// to a safetensors file atomically (temp file + rename).
Status writeSafetensors(const std::string& path, const StateDict& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace pareto
