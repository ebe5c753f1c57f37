#pragma once
// A configuration measured on the session's held-out images: one chart point, one table row.

#include "common/uiformat.h"
#include "eval/bootstrap.h"
#include "session/studioconfig.h"

#include <QString>

#include <memory>

namespace pareto {
struct PerImageMetrics;
}

namespace pareto::ui {

/// @brief Size and quality of one configuration. Plain value, any thread.
///
/// `complete` is false while the held-out metrics are still streaming in (then `n` < `total`
/// and the CIs are over the first `n` images).
struct EvaluatedConfig {
    QString key;       ///< StudioConfig::key()
    QString label;     ///< StudioConfig::label()
    QString source;    ///< "slider" or "sweep"
    StudioConfig config;
    bool baseline = false;  ///< the FP32 model itself
    // size, counted by core from the bytes actually stored
    qint64 params = 0;
    qint64 bytes = 0;
    qint64 fp32Bytes = 0;
    double ratio = 0;
    double bitsPerParam = 0;
    // quality on the held-out images
    qint64 n = 0;
    qint64 total = 0;
    bool complete = false;
    Estimate mse, psnr, ssim;
    DeltaEstimate deltaMse, deltaPsnr, deltaSsim;  ///< this - FP32, paired per image
    /// Per-image figures (complete slider evaluations only; sweeps keep summaries).
    std::shared_ptr<const PerImageMetrics> perImage;

    const Estimate& metric(Metric m) const { return m == Metric::Mse ? mse : m == Metric::Psnr ? psnr : ssim; }
    const DeltaEstimate& delta(Metric m) const {
        return m == Metric::Mse ? deltaMse : m == Metric::Psnr ? deltaPsnr : deltaSsim;
    }
};

}  // namespace pareto::ui
