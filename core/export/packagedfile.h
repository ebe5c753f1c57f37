// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace pareto {

/// @brief One file of a package: its path inside the package ('/'-separated), size, SHA-256.
struct PackagedFile {
    std::string path;
    int64_t bytes = 0;
    std::string sha256;
};

}  // namespace pareto
