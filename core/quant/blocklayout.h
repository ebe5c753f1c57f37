// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a tensor's values are cut into rows and scale blocks for quantization.

#include "common/result.h"
#include "quant/quantscheme.h"

#include <cstdint>
#include <vector>

namespace pareto {

/// @brief The row/block geometry of a quantized tensor.
///
/// Values are taken channel-first: the output-channel axis is moved to the front and the
/// remaining axes are flattened in C order, giving `rows` rows of `rowLength` values. Each
/// row is cut into consecutive blocks of `blockSize` values (the last one shorter); each
/// block has one scale (and one zero-point when asymmetric). Blocks never cross rows.
///  - per-tensor: 1 row of all values in the tensor's own C order, one block;
///  - per-channel: rows = shape[axis], one block per row;
///  - group G / NF4 block G: rows = shape[axis], blocks of G.
/// Rank-0/1 tensors (biases, norms) have no channel axis: they form a single row.
/// Packed codes follow the same channel-first order, as one dense stream over all rows.
struct BlockLayout {
    int64_t rows = 0;
    int64_t rowLength = 0;
    int64_t blockSize = 1;
    bool permuted = false;  ///< true when axis != 0 reorders values (ConvTranspose2d weights)

    int64_t numel() const { return rows * rowLength; }
    int64_t blocksPerRow() const { return rowLength == 0 ? 0 : (rowLength + blockSize - 1) / blockSize; }
    int64_t blockCount() const { return rows * blocksPerRow(); }

    /// Geometry for a tensor of `shape` quantized with `scheme` along `axis`; fails when
    /// axis is out of range for a rank >= 2 tensor. Float casts get one block.
    static Result<BlockLayout> make(const std::vector<int64_t>& shape, int64_t axis, const QuantScheme& scheme);
};

}  // namespace pareto
