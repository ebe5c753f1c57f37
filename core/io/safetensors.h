// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "common/statedict.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pareto {

/// @brief Reads a safetensors file with our own validating reader (memory-mapped).
/// Checks: header length limit, JSON well-formed, dtype known, shape x dtype size equals
/// the byte range, ranges inside the data area, no overlaps; only then are tensors made.
/// Tensors are views of a private copy-on-write mapping of the file where their bytes are
/// aligned for their dtype (nothing is read until they are used; the mapping lives as long
/// as any of them; writing to one never changes the file), copies otherwise (and for BOOL).
Result<StateDict> readSafetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr,
                                  size_t maxHeaderBytes = 100u << 20);

/// @brief What a safetensors header declares, read without copying any tensor data.
struct SafetensorsHeader {
    struct Tensor {
        std::string name;
        std::string dtype;           ///< safetensors name: "F32", "F16", "U8", ...
        std::vector<int64_t> shape;
    };
    std::vector<Tensor> tensors;     ///< in data-area order
    std::map<std::string, std::string> metadata;
};

/// @brief Reads and validates only the header of a safetensors file (same checks as
/// readSafetensors(): length limit, JSON, dtypes, byte ranges inside the file, overlaps).
/// Cheap: for listing checkpoints (a catalog) without loading their weights.
Result<SafetensorsHeader> readSafetensorsHeader(const std::string& path, size_t maxHeaderBytes = 100u << 20);

/// @brief Writes tensors (any dtype incl. uint8/int8 packed buffers) and string metadata
/// to a safetensors file atomically (temp file + rename).
Status writeSafetensors(const std::string& path, const StateDict& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace pareto
