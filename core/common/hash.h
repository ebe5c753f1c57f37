// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstddef>
#include <string>

namespace pareto {

/// @brief SHA-256 of a byte range, lowercase hex.
std::string sha256Hex(const void* data, size_t size);
/// @brief SHA-256 of bytes given in pieces (the same digest as of their concatenation).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t size);
    /// Lowercase hex; the hasher is spent afterwards.
    std::string hex();

private:
    void* m_ctx;
};

/// @brief SHA-256 of a whole file, lowercase hex; streams, so large files are fine.
Result<std::string> sha256File(const std::string& path);

}  // namespace pareto
