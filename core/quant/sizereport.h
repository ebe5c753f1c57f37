#pragma once
// Real storage of a (quantized) model, counted from the bytes it holds.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Bytes per tensor and in total: packed values + scales + zero-points for quantized
/// tensors, 2 bytes/param for FP16/BF16, 4 bytes/param for everything left in FP32.
struct SizeReport {
    struct Entry {
        std::string name;
        std::string scheme;  ///< canonical scheme string; "raw <dtype>" for non-floating buffers
        int64_t params = 0;  ///< numel of floating tensors; 0 for non-floating buffers
        int64_t bytes = 0;
    };
    std::vector<Entry> tensors;
    int64_t params = 0;
    int64_t bytes = 0;
    int64_t fp32Bytes = 0;               ///< 4 * params
    double ratio = 0.0;                  ///< fp32Bytes / bytes
    double effectiveBitsPerParam = 0.0;  ///< 8 * bytes / params

    /// Appends an entry and updates the totals.
    void add(Entry e);
    const Entry* find(const std::string& name) const;
    /// {"tensors": [...], "params", "bytes", "fp32_bytes", "ratio", "effective_bits_per_param"}
    std::string toJson() const;
};

}  // namespace pareto
