// SPDX-License-Identifier: Apache-2.0
#include "eval/evaluator.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "common/concurrenttasks.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
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

namespace {

/// One batch through a model: its metrics, and its reconstruction when asked for.
struct BatchOutcome {
    PerImageMetrics metrics;
    at::Tensor reconstruction;
};

Status checkEvaluationInputs(const Dataset& data, int batchSize) {
    if (data.size() == 0) return fail("evaluate: " + datasetName(data) + " has no images");
    if (data.shape().size() != 3) return fail("evaluate: " + datasetName(data) + " images must be [N, C, H, W]");
    if (batchSize < 1) return fail("evaluate: batch size must be at least 1, got " + std::to_string(batchSize));
    return Status::success();
}

/// One batch's input and its metrics' target side, made once for every model measured on it.
struct SharedBatch {
    std::once_flag once;
    at::Tensor input;
    TargetMoments moments;
    std::atomic<int> users{0};  // tasks still to read it; the last one frees it
};

// Images [start, start + len) through `model`, checked and measured; errors name the batch.
// `shared` (or null): the batch prepared once for all models.
Result<BatchOutcome> measureBatch(const Model& model, const Dataset& data, int64_t start, int64_t len, bool keepReconstruction,
                                  SharedBatch* shared = nullptr) {
    const std::string where = rangeString(start, start + len) + " of " + datasetName(data);
    try {
        if (shared)
            std::call_once(shared->once, [&] {
                shared->input = data.batch(start, len);
                shared->moments = prepareTargetMoments(shared->input);
            });
        const at::Tensor x = shared ? shared->input : data.batch(start, len);
        at::Tensor r = model.reconstruct(x);
        if (!r.defined()) return fail("evaluate: model returned no reconstruction for " + where);
        if (r.sizes() != x.sizes())
            return fail("evaluate: reconstruction shape " + shapeString(r.sizes()) + " does not match input shape " +
                        shapeString(x.sizes()) + " for " + where);
        r = r.to(at::kCPU, at::kFloat);
        BatchOutcome out;
        out.metrics = shared ? computeMetrics(r, shared->moments) : computeMetrics(r, x);
        // NaN metrics would average into NaN figures with no hint why: say it here. An image's
        // float64 MSE against finite inputs is finite exactly when its reconstruction is, so
        // only a non-finite MSE pays for the full scan (which was ~5 % of a sweep).
        const bool suspect = std::any_of(out.metrics.mse.begin(), out.metrics.mse.end(), [](double v) { return !std::isfinite(v); });
        if (suspect && !at::isfinite(r).all().item<bool>()) {
            const at::Tensor badImages = at::logical_not(at::isfinite(r).flatten(1).all(1)).nonzero();
            const int64_t first = start + badImages[0][0].item<int64_t>();
            const std::string id = size_t(first) < data.ids.size() ? " (" + data.ids[size_t(first)] + ")" : std::string();
            return fail("evaluate: model produced non-finite values (NaN/inf), first at image " + std::to_string(first) + id + " of " +
                        datasetName(data));
        }
        if (keepReconstruction) out.reconstruction = r;
        return out;
    } catch (const c10::Error& e) {
        return fail("evaluate: model failed on " + where + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return fail("evaluate: model failed on " + where + ": " + e.what());
    }
}

// Every batch of one model in order on the calling thread (with its own compute threads).
Result<PerImageMetrics> evaluateSequentially(const Model& model, const Dataset& data, int batchSize, const ProgressSink& progress,
                                             at::Tensor* reconstructions) {
    const int64_t n = data.size();
    at::NoGradGuard noGrad;
    PerImageMetrics metrics;
    std::vector<at::Tensor> recon;
    for (int64_t start = 0; start < n; start += batchSize) {
        if (!progress.update(static_cast<double>(start) / static_cast<double>(n), kStage)) return Error::cancelled();
        const int64_t len = std::min<int64_t>(batchSize, n - start);
        auto batch = measureBatch(model, data, start, len, reconstructions != nullptr);
        if (!batch) return batch.error();
        metrics.append(batch->metrics);
        if (reconstructions) recon.push_back(batch->reconstruction);
    }
    // The work is done: a cancel arriving now does not throw it away.
    progress.update(1.0, kStage);
    if (reconstructions) *reconstructions = at::cat(recon);
    return metrics;
}

}  // namespace

Result<std::vector<PerImageMetrics>> evaluateModels(const std::vector<const Model*>& models, const Dataset& data, int batchSize,
                                                    const ProgressSink& progress, std::vector<at::Tensor>* reconstructions,
                                                    int workers) {
    if (Status st = checkEvaluationInputs(data, batchSize); !st) return st.error();
    for (const Model* m : models)
        if (!m) return fail("evaluate: no model");
    const int64_t n = data.size();
    const int64_t batches = (n + batchSize - 1) / batchSize;
    const bool keep = reconstructions != nullptr;

    // A task is one batch of a reentrant model, or every batch of a model that runs on one
    // thread at a time. Whole-model tasks go first (the longest: started early, they do not
    // hold up the end); batches are interleaved across models, so the images of one batch
    // are measured by every model while they are in cache.
    struct Task {
        size_t model;
        int64_t batch;  // -1: all of them, in order
    };
    std::vector<Task> tasks;
    for (size_t m = 0; m < models.size(); ++m)
        if (!models[m]->reentrant()) tasks.push_back({m, -1});
    for (int64_t b = 0; b < batches; ++b)
        for (size_t m = 0; m < models.size(); ++m)
            if (models[m]->reentrant()) tasks.push_back({m, b});

    std::vector<std::vector<Result<BatchOutcome>>> slots(models.size());
    for (auto& s : slots) s.assign(static_cast<size_t>(batches), Result<BatchOutcome>(Error::cancelled()));
    const int64_t total = static_cast<int64_t>(models.size()) * batches;
    std::atomic<int64_t> done{0};
    std::atomic<bool> cancelled{false};
    std::atomic<bool> failed{false};

    // Several models on the same batches: each batch's input and the target side of its
    // metrics made once (SSIM filters five maps, two of them the target's). Only when every
    // model goes batch by batch, so a batch is freed as soon as all have measured it.
    const bool share = models.size() > 1 && std::all_of(models.begin(), models.end(), [](const Model* m) { return m->reentrant(); });
    std::vector<std::unique_ptr<SharedBatch>> shared;
    if (share)
        for (int64_t b = 0; b < batches; ++b) {
            shared.push_back(std::make_unique<SharedBatch>());
            shared.back()->users = static_cast<int>(models.size());
        }

    const auto runBatch = [&](size_t m, int64_t b) {
        const int64_t start = b * batchSize;
        SharedBatch* sb = share ? shared[static_cast<size_t>(b)].get() : nullptr;
        auto r = measureBatch(*models[m], data, start, std::min<int64_t>(batchSize, n - start), keep, sb);
        if (sb && --sb->users == 0) {
            sb->input = at::Tensor();
            sb->moments = TargetMoments();
        }
        const bool ok = r.ok();
        slots[m][static_cast<size_t>(b)] = std::move(r);
        ++done;
        if (!ok) failed = true;
        return ok;
    };
    runConcurrently(static_cast<int64_t>(tasks.size()), workers, [&](const TaskContext& ctx) {
        const bool go = ctx.onCaller ? progress.update(static_cast<double>(done.load()) / static_cast<double>(total), kStage)
                                     : !progress.cancelled();
        if (!go || cancelled) {
            cancelled = true;
            return false;
        }
        if (failed) return false;
        const Task& t = tasks[static_cast<size_t>(ctx.index)];
        if (t.batch >= 0) return runBatch(t.model, t.batch);
        for (int64_t b = 0; b < batches; ++b) {
            if (b > 0 && (cancelled || failed || progress.cancelled())) return false;
            if (!runBatch(t.model, b)) return false;
        }
        return true;
    });

    // The first failure in model and batch order, as a sequential run would report it.
    for (auto& perModel : slots)
        for (auto& r : perModel)
            if (!r && !r.error().isCancelled()) return r.error();
    if (cancelled || progress.cancelled()) return Error::cancelled();

    std::vector<PerImageMetrics> out(models.size());
    if (reconstructions) reconstructions->assign(models.size(), at::Tensor());
    for (size_t m = 0; m < models.size(); ++m) {
        std::vector<at::Tensor> recon;
        for (auto& r : slots[m]) {
            out[m].append(r->metrics);
            if (keep) recon.push_back(r->reconstruction);
        }
        if (keep) (*reconstructions)[m] = at::cat(recon);
    }
    // The work is done: a cancel arriving now does not throw it away.
    progress.update(1.0, kStage);
    return out;
}

Result<PerImageMetrics> evaluateModel(const Model& model, const Dataset& data, int batchSize,
                                      const ProgressSink& progress, at::Tensor* reconstructions) {
    if (Status st = checkEvaluationInputs(data, batchSize); !st) return st.error();
    const int workers = defaultWorkers();
    // One model on one thread, or too few batches to share: the plain loop, kernels on the
    // caller's compute threads (a model that cannot run on two threads keeps using them).
    if (!model.reentrant() || workers < 2) return evaluateSequentially(model, data, batchSize, progress, reconstructions);
    std::vector<at::Tensor> recon;
    auto r = evaluateModels({&model}, data, batchSize, progress, reconstructions ? &recon : nullptr, workers);
    if (!r) return r.error();
    if (reconstructions) *reconstructions = recon.front();
    return std::move(r->front());
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
