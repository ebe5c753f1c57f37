// SPDX-License-Identifier: Apache-2.0
#pragma once
// Real storage of a (quantized) model, counted from the bytes it holds.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief Bytes per tensor and in total: packed values + scales + zero-points for quantized
/// tensors, 2 bytes/param for FP16/BF16, 4 bytes/param for everything left in FP32, float
/// buffers (BatchNorm statistics) included: everything the model needs to run.
struct SizeReport {
    struct Entry {
        std::string name;
        std::string scheme;  ///< canonical scheme string; "raw <dtype>" for non-floating buffers
        int64_t params = 0;  ///< numel of floating tensors; 0 for non-floating buffers
        int64_t bytes = 0;
        bool buffer = false; ///< a float buffer: its values count in bufferValues, not params
    };
    std::vector<Entry> tensors;
    int64_t params = 0;                  ///< floating-point parameter elements
    int64_t bufferValues = 0;            ///< float buffer elements (BatchNorm statistics)
    int64_t bytes = 0;
    int64_t fp32Bytes = 0;               ///< 4 * (params + bufferValues)
    double ratio = 0.0;                  ///< fp32Bytes / bytes
    double effectiveBitsPerParam = 0.0;  ///< 8 * bytes / (params + bufferValues)

    /// Appends an entry and updates the totals.
    void add(Entry e);
    const Entry* find(const std::string& name) const;
    /// {"tensors": [...], "params", "buffer_values", "bytes", "fp32_bytes", "ratio", "effective_bits_per_param"}
    std::string toJson() const;
};

/// The headline compression ratio: the opened model's FP32 bytes / this configuration's
/// bytes. Unlike SizeReport::ratio (vs the variant's own FP32), it stays comparable across
/// latent sizes: a PCA or trained model at k < L is smaller before any quantization. 0 when
/// `bytes` is not positive.
inline double ratioVsOriginal(int64_t originalFp32Bytes, int64_t bytes) {
    return bytes > 0 ? static_cast<double>(originalFp32Bytes) / static_cast<double>(bytes) : 0.0;
}

}  // namespace pareto
