// SPDX-License-Identifier: Apache-2.0
#include "latent/latentruncache.h"
#include "common/jsontext.h"

#include "common/atomicfile.h"
#include "common/hash.h"
#include "io/safetensors.h"
#include "model/modelregistry.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace fs = std::filesystem;
using nlohmann::json;

namespace pareto {
namespace {

constexpr const char* kRecordSchema = "pareto.latent-run/1";

json fingerprintJson(const DataFingerprint& f) { return {{"identity", f.identity}, {"shape", f.shape}, {"sha256", f.sha256}}; }

DataFingerprint fingerprintFrom(const json& j) {
    DataFingerprint f;
    f.identity = j.at("identity").get<std::string>();
    f.shape = j.at("shape").get<std::vector<int64_t>>();
    f.sha256 = j.at("sha256").get<std::string>();
    return f;
}

// NaN is stored as null (JSON has no NaN) and read back as NaN.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double numberFrom(const json& j) { return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>(); }

json estimateJson(const Estimate& e) { return {{"mean", number(e.mean)}, {"lo", number(e.lo)}, {"hi", number(e.hi)}, {"n", e.n}}; }
Estimate estimateFrom(const json& j) {
    return {numberFrom(j.at("mean")), numberFrom(j.at("lo")), numberFrom(j.at("hi")), j.at("n").get<int64_t>()};
}

json summaryJson(const MetricSummary& s) { return {{"mse", estimateJson(s.mse)}, {"psnr", estimateJson(s.psnr)}, {"ssim", estimateJson(s.ssim)}}; }
MetricSummary summaryFrom(const json& j) { return {estimateFrom(j.at("mse")), estimateFrom(j.at("psnr")), estimateFrom(j.at("ssim"))}; }

json recordJson(const LatentRun& r, const LatentRunSpec& spec) {
    json hist = json::array();
    for (const auto& h : r.history)
        hist.push_back({{"epoch", h.epoch}, {"train_loss", number(h.trainLoss)}, {"val_loss", number(h.valLoss)},
                        {"val_mse", number(h.valMse)}, {"seconds", h.seconds}});
    return {{"schema", kRecordSchema},
            {"key", r.key},
            {"inputs", json::parse(spec.canonicalJson())},
            {"latent_dim", r.latentDim},
            {"seed", r.seed},
            {"channels", r.channels},
            {"params", r.params},
            {"model_file", fs::path(r.modelPath).filename().string()},
            {"model_sha256", r.modelSha256},
            {"best_epoch", r.bestEpoch},
            {"epochs_run", r.epochsRun},
            {"stopped_early", r.stoppedEarly},
            {"seconds_per_epoch", r.secondsPerEpoch},
            {"train_seconds", r.trainSeconds},
            {"history", hist},
            {"test", {{"data", fingerprintJson(r.test)}, {"metrics", summaryJson(r.testMetrics)}}},
            {"untrained_warning", r.untrainedWarning},
            {"untrained_reason", r.untrainedReason}};
}

LatentRun runFrom(const json& j) {
    LatentRun r;
    r.key = j.at("key").get<std::string>();
    r.latentDim = j.at("latent_dim").get<int64_t>();
    r.seed = j.at("seed").get<uint64_t>();
    r.channels = j.at("channels").get<int64_t>();
    r.params = j.at("params").get<int64_t>();
    r.modelSha256 = j.at("model_sha256").get<std::string>();
    r.bestEpoch = j.at("best_epoch").get<int>();
    r.epochsRun = j.at("epochs_run").get<int>();
    r.stoppedEarly = j.at("stopped_early").get<bool>();
    r.secondsPerEpoch = j.at("seconds_per_epoch").get<double>();
    r.trainSeconds = j.at("train_seconds").get<double>();
    for (const auto& h : j.at("history"))
        r.history.push_back({h.at("epoch").get<int>(), numberFrom(h.at("train_loss")), numberFrom(h.at("val_loss")),
                             numberFrom(h.at("val_mse")), h.at("seconds").get<double>()});
    r.test = fingerprintFrom(j.at("test").at("data"));
    r.testMetrics = summaryFrom(j.at("test").at("metrics"));
    r.untrainedWarning = j.at("untrained_warning").get<bool>();
    r.untrainedReason = j.at("untrained_reason").get<std::string>();
    return r;
}

}  // namespace

LatentRunCache::LatentRunCache(std::string dir) : m_dir(std::move(dir)) {}

std::string LatentRunCache::modelPath(const std::string& key) const { return (fs::path(m_dir) / (key + ".safetensors")).string(); }

std::string LatentRunCache::recordPath(const std::string& key) const { return (fs::path(m_dir) / (key + ".json")).string(); }

std::optional<LatentRun> LatentRunCache::find(const std::string& key, std::string* why) const {
    const auto say = [&](std::string w) {
        if (why) *why = std::move(w);
        return std::nullopt;
    };
    if (why) why->clear();
    const std::string rp = recordPath(key);
    std::error_code ec;
    if (!fs::exists(rp, ec)) return std::nullopt;
    auto text = readFile(rp, 64u << 20);
    if (!text) return say(text.error().message);
    LatentRun run;
    try {
        const json j = json::parse(*text);
        if (j.value("schema", std::string()) != kRecordSchema) return say(rp + ": unknown record schema");
        run = runFrom(j);
    } catch (const std::exception& e) {
        return say(rp + ": unreadable record (" + std::string(e.what()) + ")");
    }
    if (run.key != key) return say(rp + ": record is for another key");
    run.modelPath = modelPath(key);
    auto sha = sha256File(run.modelPath);
    if (!sha) return say(run.modelPath + ": model of a finished run is missing or unreadable");
    if (*sha != run.modelSha256) return say(run.modelPath + ": model file does not match its record (hash differs)");
    run.fromCache = true;
    return run;
}

Result<std::shared_ptr<const Model>> LatentRunCache::loadModel(const LatentRun& run) const {
    auto sha = sha256File(run.modelPath);
    if (!sha) return sha.error();
    if (*sha != run.modelSha256) return fail(run.modelPath + ": model file does not match its record (hash differs)");
    auto weights = readSafetensors(run.modelPath);
    if (!weights) return weights.error();
    auto model = modelFromWeights(*weights);
    if (!model) return fail(run.modelPath + ": " + model.error().message);
    const ModelInfo info = (*model)->info();
    if (info.latentDim != run.latentDim || info.inputShape.empty() || info.inputShape[0] != run.channels)
        return fail(run.modelPath + ": model shape does not match its record");
    return model;
}

Status LatentRunCache::store(LatentRun& run, const LatentRunSpec& spec, const Model& model,
                             const std::map<std::string, std::string>& metadata) const {
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec) return fail(m_dir + ": cannot create the sweep cache folder (" + ec.message() + ")");
    run.key = spec.key();
    run.modelPath = modelPath(run.key);
    if (Status st = writeSafetensors(run.modelPath, modelWeights(model), metadata); !st) return st;
    auto sha = sha256File(run.modelPath);
    if (!sha) return sha.error();
    run.modelSha256 = *sha;
    // The record goes last: its presence is what marks the run finished.
    return writeFileAtomic(recordPath(run.key), dumpJson(recordJson(run, spec), 2) + "\n");
}

}  // namespace pareto
