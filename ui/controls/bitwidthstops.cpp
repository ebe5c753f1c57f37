// SPDX-License-Identifier: Apache-2.0
#include "controls/bitwidthstops.h"

#include <QObject>

#include <algorithm>

namespace pareto::ui {

const QVector<BitWidthStop>& bitWidthStops() {
    static const QVector<BitWidthStop> stops = [] {
        QVector<BitWidthStop> s;
        s.push_back({QStringLiteral("FP32"), QStringLiteral("FP32"), QuantKind::Float32, 32});
        s.push_back({QStringLiteral("FP16"), QStringLiteral("FP16"), QuantKind::Float16, 16});
        s.push_back({QStringLiteral("BF16"), QStringLiteral("BF16"), QuantKind::BFloat16, 16});
        for (int b = 8; b >= 2; --b)
            s.push_back({QStringLiteral("INT%1").arg(b), b == 8 ? QStringLiteral("INT8") : QString::number(b), QuantKind::Integer, b});
        s.push_back({QStringLiteral("NF4"), QStringLiteral("NF4"), QuantKind::NF4, 4});
        s.push_back({QStringLiteral("ternary"), QStringLiteral("1.58"), QuantKind::Ternary, 2});
        return s;
    }();
    return stops;
}

QuantScheme schemeForStop(int index, const SchemeOptions& o) {
    const auto& stops = bitWidthStops();
    const BitWidthStop& stop = stops.at(std::clamp(index, 0, static_cast<int>(stops.size()) - 1));
    switch (stop.kind) {
    case QuantKind::Float32: return QuantScheme::fp32();
    case QuantKind::Float16: return QuantScheme::fp16();
    case QuantKind::BFloat16: return QuantScheme::bf16();
    case QuantKind::NF4: return QuantScheme::nf4(o.groupSize);
    case QuantKind::Ternary: {
        QuantScheme s = QuantScheme::ternary();
        s.granularity = o.granularity == Granularity::PerTensor ? Granularity::PerTensor : Granularity::PerChannel;
        return s;
    }
    case QuantKind::Integer: {
        QuantScheme s = QuantScheme::integer(stop.bits, o.granularity, o.groupSize);
        s.symmetric = o.symmetric;
        s.clip = o.clip;
        s.percentile = o.percentile;
        return s;
    }
    }
    return QuantScheme::fp32();
}

int stopIndexFor(const QuantScheme& scheme) {
    const auto& stops = bitWidthStops();
    for (int i = 0; i < stops.size(); ++i) {
        if (stops[i].kind != scheme.kind) continue;
        if (scheme.kind == QuantKind::Integer && stops[i].bits != scheme.bits) continue;
        return i;
    }
    return -1;
}

SchemeOptions optionsOf(const QuantScheme& s) {
    SchemeOptions o;
    o.granularity = s.granularity;
    o.groupSize = s.groupSize;
    o.symmetric = s.symmetric;
    o.clip = s.clip;
    o.percentile = s.percentile;
    return o;
}

QString describeScheme(const QuantScheme& s) {
    switch (s.kind) {
    case QuantKind::Float32: return QObject::tr("32-bit floats: the baseline, unchanged");
    case QuantKind::Float16: return QObject::tr("16-bit IEEE half floats");
    case QuantKind::BFloat16: return QObject::tr("16-bit bfloat (8-bit exponent, 7-bit mantissa)");
    case QuantKind::NF4: return QObject::tr("4-bit normal-float code book, FP16 absmax per block of %1").arg(s.groupSize);
    case QuantKind::Ternary:
        return QObject::tr("{-1, 0, +1} × absmean scale per %1, 1.6 bits stored (base-3)")
            .arg(s.granularity == Granularity::PerTensor ? QObject::tr("tensor") : QObject::tr("output channel"));
    case QuantKind::Integer: {
        const QString where = s.granularity == Granularity::PerTensor  ? QObject::tr("per tensor")
                              : s.granularity == Granularity::PerChannel ? QObject::tr("per output channel")
                                                                         : QObject::tr("per group of %1").arg(s.groupSize);
        const QString clip = s.clip == ClipMethod::MinMax       ? QObject::tr("min-max range")
                             : s.clip == ClipMethod::Percentile ? QObject::tr("clipped at the %1th percentile").arg(s.percentile)
                                                                : QObject::tr("MSE-optimal clip");
        return QObject::tr("%1-bit %2 integers, FP16 scale %3, %4")
            .arg(s.bits)
            .arg(s.symmetric ? QObject::tr("symmetric") : QObject::tr("asymmetric (zero-point)"))
            .arg(where, clip);
    }
    }
    return {};
}

}  // namespace pareto::ui
