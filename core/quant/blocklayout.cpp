// SPDX-License-Identifier: Apache-2.0
#include "quant/blocklayout.h"

#include <string>

namespace pareto {

Result<BlockLayout> BlockLayout::make(const std::vector<int64_t>& shape, int64_t axis, const QuantScheme& scheme) {
    int64_t numel = 1;
    for (int64_t d : shape) {
        if (d < 0) return fail("negative dimension in tensor shape");
        if (__builtin_mul_overflow(numel, d, &numel)) return fail("tensor shape's element count overflows 64 bits");
    }
    const int64_t rank = static_cast<int64_t>(shape.size());
    BlockLayout l;
    const bool channelled = rank >= 2 && scheme.isQuantized() && scheme.granularity != Granularity::PerTensor;
    if (channelled) {
        if (axis < 0 || axis >= rank)
            return fail("channel axis " + std::to_string(axis) + " out of range for a rank-" + std::to_string(rank) + " tensor");
        l.rows = shape[static_cast<size_t>(axis)];
        l.rowLength = l.rows == 0 ? 0 : numel / l.rows;
        l.permuted = axis != 0;
    } else {
        l.rows = 1;
        l.rowLength = numel;
    }
    const bool grouped = scheme.kind == QuantKind::NF4 ||
                         (scheme.kind == QuantKind::Integer && scheme.granularity == Granularity::Group);
    l.blockSize = grouped ? scheme.groupSize : (l.rowLength > 0 ? l.rowLength : 1);
    if (l.blockSize < 1) return fail("block size must be >= 1");
    return l;
}

}  // namespace pareto
