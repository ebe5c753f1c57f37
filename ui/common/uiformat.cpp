// SPDX-License-Identifier: Apache-2.0
#include "common/uiformat.h"

#include <QLocale>

#include <cmath>

namespace pareto::ui {

QString metricTitle(Metric m) {
    switch (m) {
    case Metric::Mse: return QStringLiteral("MSE");
    case Metric::Psnr: return QStringLiteral("PSNR (dB)");
    case Metric::Ssim: return QStringLiteral("SSIM");
    }
    return {};
}

bool higherIsBetter(Metric m) { return m != Metric::Mse; }

int metricDigits(Metric m) { return m == Metric::Ssim ? 3 : 4; }

QString formatNumber(double v, int digits) {
    if (std::isnan(v)) return QStringLiteral("n/a");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    // 'g' switches to an exponent only below 1e-4 or for huge values: MSEs of 1e-5 stay readable.
    return QString::number(v, 'g', digits);
}

QString formatEstimate(const Estimate& e, int digits) {
    return QStringLiteral("%1 [%2, %3]").arg(formatNumber(e.mean, digits), formatNumber(e.lo, digits), formatNumber(e.hi, digits));
}

QString formatDelta(const DeltaEstimate& d, int digits, bool flag) {
    const auto signedNumber = [digits](double v) {
        const QString s = formatNumber(v, digits);
        return (v > 0 && !std::isnan(v)) ? QStringLiteral("+") + s : s;
    };
    QString s = QStringLiteral("%1 [%2, %3]").arg(signedNumber(d.estimate.mean), signedNumber(d.estimate.lo), signedNumber(d.estimate.hi));
    if (flag) s += d.significant ? QStringLiteral(" significant") : QStringLiteral(" (CI crosses 0: not significant)");
    return s;
}

QString formatRatio(double ratio) { return QStringLiteral("%1×").arg(ratio, 0, 'f', 2); }

QString formatCompact(double v) {
    if (!std::isfinite(v)) return formatNumber(v, 3);
    const double a = std::abs(v);
    if (a == 0.0) return QStringLiteral("0");
    if (a >= 0.01 && a < 1000.0) return QString::number(v, 'g', 3);
    // "1.23e-04" -> "1.23e-4": two characters fewer in a caption.
    QString s = QString::number(v, 'e', 2);
    const int e = static_cast<int>(s.indexOf(QLatin1Char('e')));
    QString mant = s.left(e), exp = s.mid(e + 1);
    while (mant.contains(QLatin1Char('.')) && (mant.endsWith(QLatin1Char('0')) || mant.endsWith(QLatin1Char('.')))) mant.chop(1);
    const QChar sign = exp.at(0);
    exp = exp.mid(1);
    while (exp.size() > 1 && exp.startsWith(QLatin1Char('0'))) exp.remove(0, 1);
    return mant + QLatin1Char('e') + (sign == QLatin1Char('-') ? QStringLiteral("-") : QString()) + exp;
}

QString formatBytes(qint64 bytes) {
    return QStringLiteral("%1 B (%2)").arg(QLocale(QLocale::English).toString(bytes), formatBytesShort(bytes));
}

QString formatBytesShort(qint64 bytes) {
    const double b = static_cast<double>(bytes);
    if (b < 1024.0) return QStringLiteral("%1 B").arg(bytes);
    if (b < 1024.0 * 1024.0) return QStringLiteral("%1 KiB").arg(b / 1024.0, 0, 'f', b < 10240.0 ? 1 : 0);
    return QStringLiteral("%1 MiB").arg(b / (1024.0 * 1024.0), 0, 'f', 2);
}

}  // namespace pareto::ui
