// SPDX-License-Identifier: Apache-2.0
#include "latent/latentsweep.h"

#include "eval/modelevaluation.h"
#include "latent/latentruncache.h"
#include "model/modelregistry.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace pareto {
namespace {

using Clock = std::chrono::steady_clock;

std::string fmt6(double x) {
    std::ostringstream o;
    o.precision(6);
    o << x;
    return o.str();
}

std::string exactNumber(double x) {
    std::ostringstream o;
    o.precision(17);
    o << x;
    return o.str();
}

// The same keys `pareto train` writes, so a LatentCatalog lists a sweep cache like a folder
// of trained checkpoints.
std::map<std::string, std::string> runMetadata(const std::string& arch, const LatentRun& run, const TrainConfig& tc, const DataFingerprint& train,
                                               const std::string& key, const MetricSummary& baseline, bool haveBaseline) {
    std::ostringstream cmd;
    cmd << "pareto sweep-latent run: --latent " << run.latentDim << " --seed " << run.seed << " --epochs " << tc.epochs
        << " --patience " << tc.patience << " --batch-size " << tc.batchSize << " --lr " << exactNumber(tc.learningRate)
        << " --beta " << exactNumber(tc.beta);
    std::map<std::string, std::string> meta{
        {"format", "pt"},
        {"pareto.arch", arch},
        {"pareto.channels", std::to_string(run.channels)},
        {"pareto.latent_dim", std::to_string(run.latentDim)},
        {"pareto.latent_method", "trained"},
        {"pareto.seed", std::to_string(run.seed)},
        {"pareto.command", cmd.str()},
        {"pareto.train_data", train.identity},
        {"pareto.best_epoch", std::to_string(run.bestEpoch)},
        {"pareto.seconds_per_epoch", fmt6(run.secondsPerEpoch)},
        {"pareto.test_data", run.test.identity},
        {"pareto.test_mse", fmt6(run.testMetrics.mse.mean)},
        {"pareto.test_mse_ci95", fmt6(run.testMetrics.mse.lo) + "," + fmt6(run.testMetrics.mse.hi)},
        {"pareto.cache_key", key},
    };
    if (haveBaseline) meta["pareto.baseline_mean_image_mse"] = fmt6(baseline.mse.mean);
    return meta;
}

// Measures a run's model on the held-out images and fills its test fields.
Status measure(LatentRun& run, const Model& model, const Dataset& test, const DataFingerprint& testPrint,
               const MetricSummary& baseline, bool haveBaseline, int batchSize, const ProgressSink& progress) {
    auto metrics = evaluateModel(model, test, batchSize, progress);
    if (!metrics) return metrics.error();
    run.test = testPrint;
    run.testMetrics = summarize(*metrics);
    if (haveBaseline) {
        const UntrainedCheck check = checkUntrained(run.testMetrics, baseline);
        run.untrainedWarning = check.warning;
        run.untrainedReason = check.reason;
    } else {
        run.untrainedWarning = false;
        run.untrainedReason = "no mean-image baseline given";
    }
    return Status::success();
}

}  // namespace

TrainConfig latentSweepDefaultTraining() {
    TrainConfig t;
    t.epochs = 12;
    t.patience = 3;
    return t;
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--";
    char buf[48];
    const long long s = std::llround(seconds);
    if (s < 60) std::snprintf(buf, sizeof buf, "%lld s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
    return buf;
}

Result<LatentSweep> sweepLatents(const Dataset& train, const Dataset& val, const Dataset& test, const MeanImage& meanImage,
                                 const LatentSweepConfig& config, const ProgressSink& progress) {
    const auto t0 = Clock::now();
    if (config.latents.empty()) return fail("latent sweep: no latent sizes given");
    std::set<int64_t> seen;
    for (int64_t L : config.latents) {
        if (L < 1) return fail("latent sweep: latent size must be positive, got " + std::to_string(L));
        if (!seen.insert(L).second) return fail("latent sweep: latent size " + std::to_string(L) + " is listed twice");
    }
    if (config.seeds < 1) return fail("latent sweep: at least one seed is needed");
    if (config.cacheDir.empty()) return fail("latent sweep: a cache folder is required (finished runs are stored there)");
    if (train.size() == 0 || val.size() == 0 || test.size() == 0)
        return fail("latent sweep: the training, validation and test sets must all be non-empty");
    const Architecture* architecture = findArchitecture(config.arch);
    if (!architecture) return fail("latent sweep: no built-in architecture '" + config.arch + "'");
    const int64_t channels = train.shape().empty() ? 0 : train.shape()[0];
    if (val.shape() != train.shape() || test.shape() != train.shape())
        return fail("latent sweep: training, validation and test images have different shapes");
    // The architecture's input at these channels: the images must already be in it.
    const auto modelAt = [&](int64_t L, uint64_t seed) { return architecture->create({channels, L, seed}); };
    {
        auto probe = modelAt(config.latents.front(), 1);
        if (!probe) return fail("latent sweep: " + probe.error().message);
        if ((*probe)->info().inputShape != test.shape())
            return fail("latent sweep: the images are not in the input shape of a " + config.arch + " model");
    }

    if (!progress.update(0.0, "latent sweep: hashing the data")) return Error::cancelled();
    const DataFingerprint trainPrint = fingerprintDataset(train), valPrint = fingerprintDataset(val),
                          testPrint = fingerprintDataset(test);
    const bool haveBaseline = meanImage.image.defined();

    LatentSweep out;
    out.test = testPrint;
    if (haveBaseline) {
        out.baselineMeanImage = summarize(evaluateMeanImage(meanImage.image, test));
        out.baselineSource = meanImage.source;
    }

    // Plan: which pairs the cache already holds.
    const LatentRunCache cache(config.cacheDir);
    struct Slot {
        LatentRunSpec spec;
        std::optional<LatentRun> cached;
    };
    std::vector<Slot> slots;
    for (int64_t L : config.latents) {
        for (int s = 0; s < config.seeds; ++s) {
            Slot slot;
            slot.spec.arch = {config.arch, channels, L, train.shape()[1]};
            slot.spec.train = config.train;
            slot.spec.train.latentDim = L;
            slot.spec.train.seed = config.firstSeed + static_cast<uint64_t>(s);
            slot.spec.trainData = trainPrint;
            slot.spec.valData = valPrint;
            std::string why;
            slot.cached = cache.find(slot.spec.key(), &why);
            if (!why.empty()) out.warnings.push_back("retraining L=" + std::to_string(L) + " seed " +
                                                     std::to_string(slot.spec.train.seed) + ": " + why);
            slots.push_back(std::move(slot));
        }
    }
    int toTrain = 0;
    for (const auto& s : slots) toTrain += s.cached ? 0 : 1;

    const double total = static_cast<double>(slots.size());
    auto trainStart = Clock::now();
    int position = 0;
    for (Slot& slot : slots) {
        ++position;
        const int64_t L = slot.spec.train.latentDim;
        const uint64_t seed = slot.spec.train.seed;
        char head[96];
        std::snprintf(head, sizeof head, "run %d/%d (L=%lld, seed %llu)", position, static_cast<int>(slots.size()),
                      static_cast<long long>(L), static_cast<unsigned long long>(seed));
        const ProgressSink step = progress.sub((position - 1) / total, position / total);

        LatentRun run;
        if (slot.cached) {
            run = *slot.cached;
            if (run.test != testPrint) {
                // Same trained model, other held-out images: measure again, keep the cache current.
                auto model = cache.loadModel(run);
                if (!model) return model.error();
                if (Status st = measure(run, **model, test, testPrint, out.baselineMeanImage, haveBaseline, config.evalBatchSize,
                                        step.sub(0.0, 0.9));
                    !st)
                    return st.error();
                if (Status st = cache.store(run, slot.spec, **model,
                                            runMetadata(slot.spec.arch.name, run, slot.spec.train, trainPrint, run.key, out.baselineMeanImage, haveBaseline));
                    !st)
                    return st.error();
                run.fromCache = true;
            }
            ++out.loaded;
            if (!step.update(1.0, std::string(head) + ": from the cache")) return Error::cancelled();
        } else {
            if (out.trained == 0) trainStart = Clock::now();
            const int done = out.trained;
            const ProgressSink trainSink(
                [&, head, done](double f, const std::string& stage) {
                    // ETA from the training work done so far in this call; cached runs cost nothing.
                    const double doneUnits = done + f;
                    const double elapsed = std::chrono::duration<double>(Clock::now() - trainStart).count();
                    const double eta = doneUnits > 1e-3 ? elapsed * (toTrain - doneUnits) / doneUnits : -1.0;
                    return step.sub(0.0, 0.95).update(f, std::string(head) + ": " + stage + ", ETA " + formatDuration(eta));
                },
                progress.token());
            auto start = modelAt(L, seed);
            if (!start) return fail("latent sweep: " + start.error().message);
            auto result = trainModel(*start, train, val, slot.spec.train, trainSink);
            if (!result) return result.error();
            run.latentDim = L;
            run.seed = seed;
            run.channels = channels;
            run.params = result->model->info().params;
            run.bestEpoch = result->bestEpoch;
            run.epochsRun = static_cast<int>(result->history.size());
            run.stoppedEarly = result->stoppedEarly;
            run.secondsPerEpoch = result->secondsPerEpoch;
            for (const auto& h : result->history) run.trainSeconds += h.seconds;
            run.history = result->history;
            if (Status st = measure(run, *result->model, test, testPrint, out.baselineMeanImage, haveBaseline,
                                    config.evalBatchSize, step.sub(0.95, 1.0));
                !st)
                return st.error();
            const std::string key = slot.spec.key();
            if (Status st = cache.store(run, slot.spec, *result->model,
                                        runMetadata(slot.spec.arch.name, run, slot.spec.train, trainPrint, key, out.baselineMeanImage, haveBaseline));
                !st)
                return st.error();
            run.fromCache = false;
            ++out.trained;
        }
        if (config.onRunFinished) config.onRunFinished(run);
        out.runs.push_back(std::move(run));
        // A cancel between runs: what is finished is stored.
        if (progress.cancelled()) return Error::cancelled();
    }

    for (int64_t L : config.latents) {
        LatentSweepRow row;
        row.latentDim = L;
        auto sized = modelAt(L, 1);
        row.params = sized ? (*sized)->info().params : 0;
        std::vector<double> mse, psnr, ssim;
        for (const auto& r : out.runs) {
            if (r.latentDim != L) continue;
            row.seeds.push_back(r.seed);
            row.seedMse.push_back(r.testMetrics.mse.mean);
            mse.push_back(r.testMetrics.mse.mean);
            psnr.push_back(r.testMetrics.psnr.mean);
            ssim.push_back(r.testMetrics.ssim.mean);
            row.untrainedRuns += r.untrainedWarning ? 1 : 0;
        }
        row.mse = tMeanCI(mse);
        row.psnr = tMeanCI(psnr);
        row.ssim = tMeanCI(ssim);
        out.rows.push_back(std::move(row));
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    progress.update(1.0, "latent sweep done");
    return out;
}

}  // namespace pareto
