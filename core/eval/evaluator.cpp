// SPDX-License-Identifier: Apache-2.0
#include "eval/evaluator.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <sstream>

namespace pareto {
namespace {

constexpr const char* kStage = "evaluating";

std::string shapeString(at::IntArrayRef sizes) {
    std::ostringstream os;
    os << sizes;
    return os.str();
}

std::string rangeString(int64_t start, int64_t end) {
    return "images [" + std::to_string(start) + ", " + std::to_string(end) + ")";
}

std::string datasetName(const Dataset& data) {
    return data.identity.empty() ? std::string("dataset") : "dataset '" + data.identity + "'";
}

// Three significant digits keep 0.0480 and 1.20e-05 both readable.
std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%#.3g", v);
    return buf;
}

std::string fmtEstimate(const Estimate& e) { return fmt(e.mean) + " [" + fmt(e.lo) + ", " + fmt(e.hi) + "]"; }

std::string fmtRatio(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fx", r);
    return buf;
}

}  // namespace

MetricSummary summarize(const PerImageMetrics& m) {
    return {bootstrapMean(m.mse), bootstrapMean(m.psnr), bootstrapMean(m.ssim)};
}

PairedDeltas pairedDeltas(const PerImageMetrics& base, const PerImageMetrics& other) {
    return {pairedDelta(base.mse, other.mse), pairedDelta(base.psnr, other.psnr),
            pairedDelta(base.ssim, other.ssim)};
}

Result<PerImageMetrics> evaluateModel(const Model& model, const Dataset& data, int batchSize,
                                      const ProgressSink& progress, at::Tensor* reconstructions) {
    const int64_t n = data.size();
    if (n == 0) return fail("evaluate: " + datasetName(data) + " has no images");
    if (data.shape().size() != 3)
        return fail("evaluate: " + datasetName(data) + " images must be [N, C, H, W]");
    if (batchSize < 1) return fail("evaluate: batch size must be at least 1, got " + std::to_string(batchSize));

    at::NoGradGuard noGrad;
    PerImageMetrics metrics;
    std::vector<at::Tensor> recon;
    for (int64_t start = 0; start < n; start += batchSize) {
        if (!progress.update(static_cast<double>(start) / static_cast<double>(n), kStage))
            return Error::cancelled();
        const int64_t len = std::min<int64_t>(batchSize, n - start);
        const std::string where = rangeString(start, start + len) + " of " + datasetName(data);
        try {
            const at::Tensor x = data.batch(start, len);
            at::Tensor r = model.reconstruct(x);
            if (!r.defined()) return fail("evaluate: model returned no reconstruction for " + where);
            if (r.sizes() != x.sizes())
                return fail("evaluate: reconstruction shape " + shapeString(r.sizes()) +
                            " does not match input shape " + shapeString(x.sizes()) + " for " + where);
            r = r.to(at::kCPU, at::kFloat);
            // NaN metrics would average into NaN figures with no hint why: say it here.
            if (!at::isfinite(r).all().item<bool>()) {
                const at::Tensor badImages = at::logical_not(at::isfinite(r).flatten(1).all(1)).nonzero();
                const int64_t first = start + badImages[0][0].item<int64_t>();
                const std::string id = size_t(first) < data.ids.size() ? " (" + data.ids[size_t(first)] + ")" : std::string();
                return fail("evaluate: model produced non-finite values (NaN/inf), first at image " + std::to_string(first) + id +
                            " of " + datasetName(data));
            }
            metrics.append(computeMetrics(r, x));
            if (reconstructions) recon.push_back(r);
        } catch (const c10::Error& e) {
            return fail("evaluate: model failed on " + where + ": " + e.what_without_backtrace());
        } catch (const std::exception& e) {
            return fail("evaluate: model failed on " + where + ": " + e.what());
        }
    }
    // The work is done: a cancel arriving now does not throw it away.
    progress.update(1.0, kStage);
    if (reconstructions) *reconstructions = at::cat(recon);
    return metrics;
}

UntrainedCheck checkUntrained(const MetricSummary& model, const MetricSummary& meanImageBaseline) {
    const Estimate& m = model.mse;
    const Estimate& b = meanImageBaseline.mse;
    const double ratio = b.mean / m.mean;
    const bool overlap = m.lo <= b.hi && b.lo <= m.hi;
    UntrainedCheck check;
    // Written as !(>=) so a NaN ratio (no data, broken numbers) warns too.
    const bool ratioOk = ratio >= kUntrainedMseRatio;
    check.warning = !ratioOk || overlap;
    const std::string numbers = "model MSE " + fmtEstimate(m);
    const std::string baseline = "the mean-image baseline " + fmtEstimate(b);
    if (!check.warning) {
        check.reason = numbers + " is " + fmtRatio(ratio) + " better than " + baseline;
    } else if (!ratioOk) {
        check.reason = numbers + " is not clearly better than " + baseline + " (ratio " + fmtRatio(ratio) + " < " +
                       fmtRatio(kUntrainedMseRatio) + "): the checkpoint looks untrained";
    } else {
        check.reason = numbers + " is not clearly better than " + baseline + " (ratio " + fmtRatio(ratio) +
                       ", but the 95 % CIs overlap): the checkpoint looks untrained";
    }
    return check;
}

}  // namespace pareto
