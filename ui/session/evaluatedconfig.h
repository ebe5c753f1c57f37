// SPDX-License-Identifier: Apache-2.0
#pragma once
// A configuration measured on the session's held-out images: one chart point, one table row.

#include "common/uiformat.h"
#include "eval/bootstrap.h"
#include "quant/sizereport.h"
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
    QString source;    ///< "slider", "sweep", "latent grid" (or several, comma-separated)
    /// weightsHash() of its FP32 model + "|" + scheme: equal ids are the same weights, however
    /// they were reached ("" when unknown). The chart draws them as one point.
    QString weightsId;
    StudioConfig config;
    bool baseline = false;  ///< the FP32 model itself
    // size, counted by core from the bytes actually stored
    qint64 params = 0;
    qint64 bytes = 0;
    qint64 fp32Bytes = 0;          ///< this configuration's model in FP32 (a latent variant's own)
    qint64 originalFp32Bytes = 0;  ///< the opened model's FP32 bytes (SessionInfo::fp32Bytes)
    double ratio = 0;              ///< vs its own FP32 (`size.ratio`, the CSV's `ratio`)
    double bitsPerParam = 0;
    // quality on the held-out images
    qint64 n = 0;
    qint64 total = 0;
    bool complete = false;
    Estimate mse, psnr, ssim;
    DeltaEstimate deltaMse, deltaPsnr, deltaSsim;  ///< this - FP32, paired per image
    /// Per-image figures (complete slider evaluations only; sweeps keep summaries).
    std::shared_ptr<const PerImageMetrics> perImage;

    /// The headline ratio everywhere a person reads one: the opened model's FP32 bytes / bytes.
    double ratioVsOriginal() const { return pareto::ratioVsOriginal(originalFp32Bytes, bytes); }
    /// A model of its own (another latent size): its own-FP32 ratio differs and is shown too, labelled.
    bool hasOwnFp32() const { return fp32Bytes != originalFp32Bytes; }

    const Estimate& metric(Metric m) const { return m == Metric::Mse ? mse : m == Metric::Psnr ? psnr : ssim; }
    const DeltaEstimate& delta(Metric m) const {
        return m == Metric::Mse ? deltaMse : m == Metric::Psnr ? deltaPsnr : deltaSsim;
    }
};

/// @brief The mean-image baseline on the session's held-out images: a configuration not
/// better than it has lost what the model learned (drawn apart, never on a Pareto front).
struct MeanImageFigures {
    Estimate mse, psnr, ssim;
    bool valid = false;

    const Estimate& metric(Metric m) const { return m == Metric::Mse ? mse : m == Metric::Psnr ? psnr : ssim; }
    /// True when `c`'s mean `m` is no better than the mean image's.
    bool notBeatenBy(const EvaluatedConfig& c, Metric m) const {
        if (!valid) return false;
        const double v = c.metric(m).mean, b = metric(m).mean;
        return higherIsBetter(m) ? !(v > b) : !(v < b);
    }
};

}  // namespace pareto::ui
