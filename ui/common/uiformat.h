// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the studio writes numbers: one place, so the panels, the table, the tooltips, the CSV
// and the report all print a figure the same way.

#include "eval/bootstrap.h"

#include <QString>

namespace pareto::ui {

/// The quality figures the studio plots and lists.
enum class Metric { Mse, Psnr, Ssim };

/// "MSE", "PSNR (dB)", "SSIM"
QString metricTitle(Metric m);
/// True when larger is better (PSNR, SSIM).
bool higherIsBetter(Metric m);
/// Significant digits the studio shows for a metric (MSE 4, PSNR 4, SSIM 3).
int metricDigits(Metric m);

/// "0.007283" style: `digits` significant digits, no exponent for usual magnitudes.
QString formatNumber(double v, int digits);
/// "0.007283 [0.006961, 0.007612]"
QString formatEstimate(const Estimate& e, int digits);
/// "+0.000512 [0.000431, 0.000601]"; with `flag`, appends "significant" / "CI crosses 0".
QString formatDelta(const DeltaEstimate& d, int digits, bool flag = true);
/// A compression ratio: "4.31×".
QString formatRatio(double ratio);
/// Short number for tight captions, never longer than about 7 characters: "0.0123",
/// "1.23e-4", "28.4", "1.2e+03".
QString formatCompact(double v);
/// "227,371 B (222.0 KiB)"
QString formatBytes(qint64 bytes);
/// Short form for chart axes and tight places: "222 KiB", "1.4 MiB", "980 B".
QString formatBytesShort(qint64 bytes);

}  // namespace pareto::ui
