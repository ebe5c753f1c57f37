// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace pareto::detail {

/// @brief A private, copy-on-write memory mapping of a whole file; move-only, unmapped on
/// destruction. Pages are read from the file when first touched; writing to one changes
/// only this process's copy, never the file (tensors viewing it may be updated in place).
class MappedFile {
public:
    /// Maps `path`; an empty file maps to size 0 with a null data pointer.
    static Result<MappedFile> open(const std::string& path);

    /// Tells the kernel that [offset, offset + bytes) will be read soon, in order.
    void willRead(size_t offset, size_t bytes) const;

    MappedFile() = default;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    void reset();

    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

}  // namespace pareto::detail
