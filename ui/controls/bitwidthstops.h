// SPDX-License-Identifier: Apache-2.0
#pragma once
// The bit-width slider's stops and how they and the option widgets map to a core QuantScheme.

#include "quant/quantscheme.h"

#include <QString>
#include <QVector>

namespace pareto::ui {

/// @brief One position of the bit-width slider.
struct BitWidthStop {
    QString label;       ///< "FP32", "INT4", "NF4", "ternary"
    QString tick;        ///< short form under the slider
    QuantKind kind = QuantKind::Integer;
    int bits = 8;        ///< Integer only
};

/// FP32, FP16, BF16, INT8 … INT2, NF4, ternary: the slider's stops, in order.
const QVector<BitWidthStop>& bitWidthStops();

/// @brief The options beside the slider (granularity, group size, symmetric, clip).
struct SchemeOptions {
    Granularity granularity = Granularity::PerChannel;
    int64_t groupSize = 64;   ///< integer groups and NF4 blocks
    bool symmetric = true;
    ClipMethod clip = ClipMethod::MinMax;
    double percentile = 99.99;
};

/// The scheme of stop `index` with `options`; options a kind has no use for are ignored
/// (NF4 is always block-wise absmax, ternary per channel or per tensor, casts have none).
QuantScheme schemeForStop(int index, const SchemeOptions& options);

/// The stop of a scheme's kind/bits, or -1.
int stopIndexFor(const QuantScheme& scheme);

/// The options a scheme carries (for setting the widgets from a scheme).
SchemeOptions optionsOf(const QuantScheme& scheme);

/// What the options mean for a stop, in a short human sentence ("4 bits per weight,
/// one FP16 scale per output channel").
QString describeScheme(const QuantScheme& scheme);

}  // namespace pareto::ui
