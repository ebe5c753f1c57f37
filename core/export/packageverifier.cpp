// SPDX-License-Identifier: Apache-2.0
#include "export/packageverifier.h"

#include "common/atomicfile.h"
#include "common/hash.h"
#include "export/goldenset.h"
#include "export/onnxpackage.h"
#include "io/safetensors.h"
#include "onnx/onnxinspector.h"
#include "model/nearestcode.h"
#include "model/opencvonnxmodel.h"
#include "onnx/onnxpairmodel.h"
#include "model/modelprecision.h"
#include "export/packagelayout.h"
#include "export/packedweights.h"
#include "export/precisionweights.h"
#include "io/checkpoint.h"
#include "model/modelregistry.h"
#include "model/scriptedmodel.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/jit/api/module.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <limits>
#include <set>
#include <tuple>

namespace fs = std::filesystem;

namespace pareto {
namespace {

constexpr size_t kMaxManifestBytes = 16u << 20;

std::string shortHash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "..." : h; }

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

double maxAbs(const at::Tensor& a, const at::Tensor& b) {
    if (!a.defined() || !b.defined() || a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    if (a.numel() == 0) return 0.0;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

double relDiff(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return 0.0;
    const double scale = std::max({std::abs(a), std::abs(b), 1e-12});
    return std::abs(a - b) / scale;
}

// Largest relative difference between a measured summary and the manifest's record of it,
// and which figure it is in; infinity when the record is malformed.
struct SummaryGap {
    double rel = 0;
    std::string where;  ///< e.g. "MSE CI low 0.0123457 vs manifest 0.0123456"
};

SummaryGap compareSummary(const MetricSummary& m, const nlohmann::json& rec) {
    try {
        SummaryGap gap;
        const auto consider = [&](const char* metric, const char* figure, double measured, double recorded) {
            const double d = relDiff(measured, recorded);
            if (!(d <= gap.rel)) {
                char buf[128];
                std::snprintf(buf, sizeof buf, "%s %s %.9g vs manifest %.9g", metric, figure, measured, recorded);
                gap = {d, buf};
            }
        };
        const std::tuple<const char*, const char*, const Estimate*> metrics[] = {{"mse", "MSE", &m.mse}, {"psnr", "PSNR", &m.psnr}, {"ssim", "SSIM", &m.ssim}};
        for (const auto& [key, name, e] : metrics) {
            const auto& r = rec.at(key);
            consider(name, "mean", e->mean, r.at("mean").get<double>());
            consider(name, "CI low", e->lo, r.at("ci95").at(0).get<double>());
            consider(name, "CI high", e->hi, r.at("ci95").at(1).get<double>());
            if (r.at("n").get<int64_t>() != e->n) return {std::numeric_limits<double>::infinity(), std::string(name) + ": n differs from the manifest's"};
        }
        return gap;
    } catch (const std::exception&) {
        return {std::numeric_limits<double>::infinity(), "the manifest's record is malformed"};
    }
}

std::string firstLine(std::string s) {
    const auto nl = s.find('\n');
    if (nl != std::string::npos) s.resize(nl);
    return s;
}

class Recorder {
public:
    explicit Recorder(VerificationReport& r) : m_r(r) {}
    bool check(const std::string& name, bool ok, const std::string& message) {
        m_r.checks.push_back({name, ok, message, false});
        if (!ok) m_r.failures.push_back(message);
        return ok;
    }
    void skip(const std::string& name, const std::string& message) {
        m_r.checks.push_back({name, false, message, true});
        m_r.skipped.push_back(message);
    }

private:
    VerificationReport& m_r;
};

}  // namespace

double VerificationReport::largestError() const {
    if (std::isnan(goldenMaxAbsError)) return goldenWeightsMaxAbsError;
    if (std::isnan(goldenWeightsMaxAbsError)) return goldenMaxAbsError;
    return std::max(goldenMaxAbsError, goldenWeightsMaxAbsError);
}

std::string datasetImagesSha256(const Dataset& data) {
    // The float32 bytes of [N, C, H, W] in order, hashed per batch.
    Sha256 hash;
    constexpr int64_t kBatch = 256;
    for (int64_t start = 0; start < data.size(); start += kBatch) {
        const at::Tensor t = data.batch(start, std::min(kBatch, data.size() - start)).to(at::kFloat).contiguous();
        hash.update(t.data_ptr(), t.nbytes());
    }
    return hash.hex();
}

namespace {

// The checks; a malformed manifest (valid hash, wrong types) throws nlohmann::json errors,
// which verifyPackage() turns into a failed check.
Status runChecks(const std::string& packageDir, const VerifyOptions& options, const ProgressSink& progress, VerificationReport& r) {
    Recorder rec(r);
    const auto finish = []() { return Status::success(); };
    const auto path = [&](const std::string& rel) { return (fs::path(packageDir) / rel).string(); };

    std::error_code ec;
    const bool isDir = fs::is_directory(packageDir, ec);
    if (!rec.check("package folder", isDir, isDir ? packageDir + ": package folder" : packageDir + ": not a package folder (missing or not a directory)"))
        return finish();
    if (!progress.update(0.0, "checking hashes")) return Error::cancelled();

    // 1. The manifest's own hash: no byte of manifest.json is unprotected.
    nlohmann::json manifest;
    {
        auto hashText = readFile(path(PackageLayout::kManifestHash), 4096);
        if (!hashText) {
            rec.check("manifest.sha256", false, std::string(PackageLayout::kManifestHash) + ": missing or unreadable");
        } else if (auto recorded = PackageLayout::parseManifestHashLine(*hashText); !recorded) {
            rec.check("manifest.sha256", false, recorded.error().message);
        } else {
            auto actual = sha256File(path(PackageLayout::kManifest));
            if (!actual) {
                rec.check("manifest.sha256", false, std::string(PackageLayout::kManifest) + ": missing or unreadable");
            } else {
                rec.check("manifest.sha256", *actual == *recorded,
                                       *actual == *recorded
                                           ? std::string(PackageLayout::kManifest) + ": SHA-256 matches manifest.sha256"
                                           : std::string(PackageLayout::kManifest) + ": SHA-256 " + shortHash(*actual) + " does not match " +
                                                 PackageLayout::kManifestHash + " (" + shortHash(*recorded) +
                                                 "): manifest.json or manifest.sha256 was altered");
            }
        }
        auto text = readFile(path(PackageLayout::kManifest), kMaxManifestBytes);
        if (!text) {
            std::error_code sizeEc;
            const auto bytes = fs::file_size(path(PackageLayout::kManifest), sizeEc);
            rec.check("manifest schema", false,
                      !sizeEc && bytes > kMaxManifestBytes
                          ? std::string(PackageLayout::kManifest) + ": " + std::to_string(bytes) + " bytes, more than the " +
                                std::to_string(kMaxManifestBytes >> 20) + " MiB a manifest may have"
                          : std::string(PackageLayout::kManifest) + ": missing or unreadable");
        } else {
            try {
                manifest = nlohmann::json::parse(*text);
                const bool schemaOk = manifest.is_object() && manifest.value("schema", "") == PackageLayout::kSchema &&
                                      manifest.value("schema_version", 0) == PackageLayout::kSchemaVersion;
                rec.check("manifest schema", schemaOk,
                          schemaOk ? std::string(PackageLayout::kManifest) + ": schema " + PackageLayout::kSchema + " v" + std::to_string(PackageLayout::kSchemaVersion)
                                   : std::string(PackageLayout::kManifest) + ": not a " + PackageLayout::kSchema + " v" +
                                         std::to_string(PackageLayout::kSchemaVersion) + " manifest");
                if (!schemaOk) manifest = nlohmann::json::object();
            } catch (const std::exception&) {
                rec.check("manifest schema", false, std::string(PackageLayout::kManifest) + ": not valid JSON");
                manifest = nlohmann::json::object();
            }
        }
    }

    // 2. Every other file: present, its size, its SHA-256; nothing extra.
    std::set<std::string> listed{PackageLayout::kManifest, PackageLayout::kManifestHash};
    std::map<std::string, bool> fileOk;
    if (manifest.contains("files") && manifest["files"].is_object()) {
        for (auto it = manifest["files"].begin(); it != manifest["files"].end(); ++it) {
            const std::string rel = it.key();
            listed.insert(rel);
            ++r.filesChecked;
            bool ok = false;
            std::string msg;
            try {
                const std::string want = it.value().at("sha256").get<std::string>();
                const int64_t bytes = it.value().at("bytes").get<int64_t>();
                const bool safeName = rel.find("..") == std::string::npos && !rel.empty() && rel[0] != '/';
                std::error_code e2;
                // Never follow a link: a package holds regular files only.
                const fs::file_status st = safeName ? fs::symlink_status(path(rel), e2) : fs::file_status{};
                const bool regular = safeName && !e2 && fs::is_regular_file(st);
                const auto size = regular ? fs::file_size(path(rel), e2) : 0;
                if (!safeName) msg = rel + ": not a file name inside the package";
                else if (e2 || !fs::exists(st)) msg = rel + ": missing";
                else if (fs::is_symlink(st)) msg = rel + ": is a symbolic link, not a file (a package holds regular files only)";
                else if (!regular) msg = rel + ": is not a regular file";
                else if (static_cast<int64_t>(size) != bytes)
                    msg = rel + ": " + std::to_string(size) + " bytes, the manifest records " + std::to_string(bytes) + ": the file was altered or truncated";
                else if (auto got = sha256File(path(rel)); !got) msg = got.error().message;
                else if (*got != want)
                    msg = rel + ": SHA-256 " + shortHash(*got) + " does not match the manifest (" + shortHash(want) + "): the file was altered or corrupted";
                else {
                    ok = true;
                    msg = rel + ": SHA-256 matches";
                }
            } catch (const std::exception&) {
                msg = std::string(PackageLayout::kManifest) + ": entry for " + rel + " lacks sha256/bytes";
            }
            fileOk[rel] = ok;
            rec.check("hash " + rel, ok, msg);
        }
    } else {
        rec.check("file list", false, std::string(PackageLayout::kManifest) + ": has no 'files' object");
    }
    // Links are reported, never followed: an unlisted `rootfs -> /` or a link loop is a
    // finding about that entry, not a reason to stop checking the rest.
    {
        std::error_code walkEc;
        fs::recursive_directory_iterator it(packageDir, fs::directory_options::none, walkEc), end;
        for (; !walkEc && it != end; it.increment(walkEc)) {
            std::error_code stEc;
            const fs::file_status st = it->symlink_status(stEc);
            const std::string rel = it->path().lexically_relative(packageDir).generic_string();
            if (fs::is_symlink(st)) {
                if (!listed.count(rel)) rec.check("extra file", false, rel + ": a symbolic link not listed in the manifest (a package holds regular files only)");
                continue;
            }
            if (fs::is_directory(st)) continue;
            if (!listed.count(rel))
                rec.check("extra file", false, rel + ": not listed in the manifest (unexpected " +
                                                   std::string(fs::is_regular_file(st) ? "file" : "special file") + " in the package)");
        }
        if (walkEc) rec.check("file list", false, packageDir + ": cannot list the package (" + walkEc.message() + ")");
    }
    // Whether `rel` may be loaded: listed and its hash matched. Otherwise why not.
    const auto unusable = [&](const std::string& rel) -> std::string {
        auto it = fileOk.find(rel);
        if (it == fileOk.end()) return rel + ": not listed in the manifest";
        if (!it->second) return rel + " failed its hash check";
        return {};
    };

    if (!progress.update(0.2, "loading weights")) return Error::cancelled();

    // 3. Weights, through the validating reader and the reference kernels.
    std::optional<PackedWeights> weights;
    if (const std::string why = unusable(PackageLayout::kWeights); !why.empty() && fileOk.count(PackageLayout::kWeights)) {
        rec.skip("weights", std::string(PackageLayout::kWeights) + ": skipped: " + why);
    } else if (why.empty()) {
        auto w = readPackedWeights(path(PackageLayout::kWeights));
        if (!w) {
            rec.check("weights", false, w.error().message);
        } else {
            const int64_t recorded = manifest.contains("weights") ? manifest["weights"].value("bytes", int64_t(-1)) : -1;
            const bool bytesOk = w->dataBytes == recorded && w->size.bytes == recorded;
            rec.check("weights", bytesOk,
                      bytesOk ? std::string(PackageLayout::kWeights) + ": " + std::to_string(w->tensors.size()) + " packed tensors, " +
                                    std::to_string(w->dataBytes) + " data bytes as the manifest records"
                              : std::string(PackageLayout::kWeights) + ": data section has " + std::to_string(w->dataBytes) +
                                    " bytes, the manifest records " + std::to_string(recorded));
            weights = std::move(*w);
        }
    } else {
        rec.check("weights", false, std::string(PackageLayout::kWeights) + ": not listed in the manifest");
    }

    ModelPrecision precision = ModelPrecision::Fp32;
    if (manifest.contains("model") && manifest["model"].is_object()) {
        auto p = parseModelPrecision(manifest["model"].value("precision", std::string("fp32")));
        if (p) precision = *p;
        else rec.check("model precision", false, std::string(PackageLayout::kManifest) + ": " + p.error().message);
    }
    // What the manifest says the model is: its architecture, input and ranges.
    const nlohmann::json arch = manifest.contains("architecture") && manifest["architecture"].is_object() ? manifest["architecture"]
                                                                                                         : nlohmann::json::object();
    const std::string archName = arch.value("arch", std::string());
    ScriptedModelOptions scriptedOptions;
    if (arch.contains("input_shape") && arch["input_shape"].is_array()) scriptedOptions.inputShape = arch["input_shape"].get<std::vector<int64_t>>();
    const auto rangeOf = [&](const char* key) {
        ValueRange r;
        if (arch.contains(key) && arch[key].is_array() && arch[key].size() == 2) r = {arch[key][0].get<double>(), arch[key][1].get<double>()};
        return r;
    };
    scriptedOptions.inputRange = rangeOf("input_range");
    scriptedOptions.outputRange = rangeOf("output_range");
    const bool scriptListed = manifest.contains("files") && manifest["files"].is_object() && manifest["files"].contains(PackageLayout::kModel);
    bool scriptPromised = scriptListed;
    if (manifest.contains("artifacts") && manifest["artifacts"].is_array())
        for (const auto& a : manifest["artifacts"]) scriptPromised = scriptPromised || a == PackageLayout::kModel;

    // 3b. A built-in architecture runs from the weights alone: data, not code.
    std::shared_ptr<const Model> weightsModel;      // at the packaged model's precision
    std::shared_ptr<const Model> weightsModelFp32;
    const Architecture* builtIn = findArchitecture(archName);
    if (weights && builtIn) {
        auto m = builtIn->fromWeights(weightsAtPrecision(weights->dequantized, precision));
        auto m32 = builtIn->fromWeights(weights->dequantized);
        if (m && m32 && scriptedOptions.inputShape && (*m)->info().inputShape != *scriptedOptions.inputShape) {
            rec.check("weights architecture", false, std::string(PackageLayout::kWeights) + ": the weights make a " + archName +
                                                         " with another input shape than the manifest's");
        } else if (m && m32) {
            weightsModel = std::move(*m);
            weightsModelFp32 = std::move(*m32);
        } else {
            rec.check("weights architecture", false, std::string(PackageLayout::kWeights) + ": " + (m ? m32.error().message : m.error().message));
        }
    } else if (weights && archName == "onnx") {
        // A user's ONNX graph is the arithmetic: the dequantized weights run in the package's own
        // graph (model.onnx; encoder.onnx + decoder.onnx for a pair, which encode and decode),
        // each file folded and its model tensors replaced by weights.safetensors' values. Data,
        // no trust needed.
        const bool vae = arch.value("interface", std::string("vae")) == "vae";
        const nlohmann::json files = manifest.contains("onnx") && manifest["onnx"].is_object() ? manifest["onnx"].value("files", nlohmann::json::array())
                                                                                                : nlohmann::json::array();
        ModelInfo info;
        info.arch = archName;
        info.interface = vae ? ModelInterface::Vae : ModelInterface::Autoencoder;
        info.inputShape = scriptedOptions.inputShape.value_or(std::vector<int64_t>{});
        info.inputRange = scriptedOptions.inputRange;
        info.outputRange = scriptedOptions.outputRange;
        const auto net = [&](const std::string& graph, const StateDict& values) -> Result<std::shared_ptr<const OpenCvOnnxModel>> {
            for (const auto& f : files) {
                if (f.value("graph", std::string()) != graph) continue;
                const std::string file = f.value("file", std::string());
                if (const std::string why = unusable(file); !why.empty()) return fail(why);
                auto bytes = readFile(path(file), std::numeric_limits<size_t>::max());
                if (!bytes) return bytes.error();
                auto insp = inspectOnnx(file, *bytes, {});
                if (!insp) return insp.error();
                std::vector<std::string> replaced;
                auto g = replaceOnnxInitializers(file, insp->folded, values, &replaced);
                if (!g) return g.error();
                const std::vector<std::string> holds = f.value("tensors", std::vector<std::string>{});
                for (const auto& t : holds)
                    if (std::find(replaced.begin(), replaced.end(), t) == replaced.end())
                        return fail(file + ": holds '" + t + "', which " + PackageLayout::kWeights + " cannot replace (no float initializer once folded)");
                return OpenCvOnnxModel::load(file, *g, info);
            }
            return fail(std::string(PackageLayout::kManifest) + ": onnx.files has no " + graph + " graph");
        };
        const auto build = [&](const StateDict& values) -> Result<std::shared_ptr<const Model>> {
            if (!vae) {
                auto m = net("model", values);
                if (!m) return m.error();
                return std::shared_ptr<const Model>(*m);
            }
            auto enc = net("encoder", values);
            if (!enc) return enc.error();
            auto dec = net("decoder", values);
            if (!dec) return dec.error();
            return std::shared_ptr<const Model>(std::make_shared<OnnxPairModel>(*enc, *dec, at::Tensor(), info));
        };
        auto m = build(weightsAtPrecision(weights->dequantized, precision));
        auto m32 = m ? build(weights->dequantized) : m;
        if (m && m32) {
            weightsModel = std::move(*m);
            weightsModelFp32 = std::move(*m32);
            rec.check("weights architecture", true,
                      std::string(PackageLayout::kWeights) + ": the dequantized weights run in the package's own ONNX graph (" +
                          (vae ? "encoder.onnx -> decoder.onnx" : "model.onnx") + ", OpenCV DNN)");
        } else {
            rec.check("weights architecture", false, std::string(PackageLayout::kWeights) + ": " + (m ? m32.error().message : m.error().message));
        }
    } else if (weights && !archName.empty()) {
        rec.skip("weights architecture", std::string(PackageLayout::kWeights) + ": a " + archName +
                                             " model's arithmetic is its program, so the weights run only through model.pt (--trust-code)");
    }

    if (!progress.update(0.35, "loading model.pt")) return Error::cancelled();

    // 4. model.pt with LibTorch, as a device would load it.
    std::shared_ptr<const Model> scripted;
    if (const std::string why = unusable(PackageLayout::kModel); !why.empty() && fileOk.count(PackageLayout::kModel)) {
        rec.skip("model", std::string(PackageLayout::kModel) + ": skipped: " + why + "; it was not loaded");
    } else if (!scriptPromised) {
        rec.skip("model", std::string(PackageLayout::kModel) + ": none in this package" +
                              (manifest.contains("model") && manifest["model"].is_object() && manifest["model"].contains("reason")
                                   ? " (" + manifest["model"].value("reason", std::string()) + ")"
                                   : std::string()));
    } else if (why.empty() && !options.trustCode) {
        rec.skip("model", std::string(PackageLayout::kModel) +
                              ": skipped: contains code (a TorchScript program); `pareto verify --trust-code` loads and runs it");
    } else if (why.empty()) {
        CheckpointLoadOptions lo;
        lo.trustCode = true;
        auto ckpt = loadCheckpoint(path(PackageLayout::kModel), lo);
        if (!ckpt) {
            rec.check("model", false, ckpt.error().message);
        } else if (ckpt->format != CheckpointFormat::TorchScript || !ckpt->script) {
            rec.check("model", false, std::string(PackageLayout::kModel) + ": not a TorchScript archive");
        } else {
            auto s = ScriptedModel::create(ckpt->script, scriptedOptions);
            const std::string methods = arch.value("interface", std::string("vae")) == "vae" ? "encode/decode/forward" : "forward";
            if (!s) {
                rec.check("model", false, std::string(PackageLayout::kModel) + ": " + s.error().message);
            } else if ((*s)->info().interface != (arch.value("interface", std::string("vae")) == "vae" ? ModelInterface::Vae : ModelInterface::Autoencoder)) {
                rec.check("model", false, std::string(PackageLayout::kModel) + ": does not export " + methods + " as the manifest says");
            } else {
                scripted = *s;
                rec.check("model", true, std::string(PackageLayout::kModel) + ": loads with LibTorch, exports " + methods);
            }
            // Its tensors are exactly the packed weights, dequantized, at its precision.
            if (scripted && weights) {
                double worst = 0;
                std::string worstName;
                int64_t count = 0;
                const StateDict expected = weightsAtPrecision(weights->dequantized, precision);
                for (const auto& t : scripted->tensors()) {
                    ++count;
                    const double d = maxAbs(t.tensor.to(at::kFloat), expected.get(t.name));
                    if (d > worst || std::isinf(d)) {
                        worst = d;
                        worstName = t.name;
                    }
                }
                r.weightsVsModelMaxAbs = worst;
                const bool same = worst == 0 && count == static_cast<int64_t>(expected.size());
                rec.check("model weights", same,
                          same ? std::string(PackageLayout::kModel) + ": all " + std::to_string(count) + " tensors equal the dequantized " +
                                     PackageLayout::kWeights + " at " + modelPrecisionName(precision)
                               : std::string(PackageLayout::kModel) + ": tensor '" + worstName + "' differs from " + PackageLayout::kWeights +
                                     " by " + num(worst) + " (" + std::to_string(count) + " tensors, " + std::to_string(expected.size()) +
                                     " expected)");
                // A program's weights run through the program: with trust, the dequantized
                // weights get the same check a built-in architecture gets without it.
                if (same && !weightsModel) {
                    weightsModel = scripted;
                    auto fp32 = scripted->withWeights(weights->dequantized);
                    if (fp32) weightsModelFp32 = *fp32;
                }
            }
        }
    } else {
        rec.check("model", false, std::string(PackageLayout::kModel) + ": not listed in the manifest");
    }

    if (!progress.update(0.5, "running golden inputs")) return Error::cancelled();

    // 5. Golden inputs through model.pt and through the weights, in the model's own ranges.
    const std::string goldenWhy = !unusable(PackageLayout::kGoldenInput).empty()      ? unusable(PackageLayout::kGoldenInput)
                                  : !unusable(PackageLayout::kGoldenExpected).empty() ? unusable(PackageLayout::kGoldenExpected)
                                                                                      : unusable(PackageLayout::kGoldenTolerance);
    if (!goldenWhy.empty() && fileOk.count(PackageLayout::kGoldenInput) && fileOk.count(PackageLayout::kGoldenExpected) &&
        fileOk.count(PackageLayout::kGoldenTolerance)) {
        rec.skip("golden", "golden/: skipped: " + goldenWhy);
    } else if (goldenWhy.empty()) {
        auto golden = GoldenSet::read(packageDir);
        if (!golden) {
            rec.check("golden", false, golden.error().message);
        } else {
            r.goldenImages = golden->input.size(0);
            r.goldenTolerance = golden->maxAbsError;
            const double recorded = manifest.contains("golden") ? manifest["golden"].value("max_abs_error", -1.0) : -1.0;
            rec.check("golden tolerance", recorded == golden->maxAbsError,
                      recorded == golden->maxAbsError ? std::string(PackageLayout::kGoldenTolerance) + ": tolerance " + num(recorded) + " as the manifest records"
                                                      : std::string(PackageLayout::kGoldenTolerance) + ": tolerance " + num(golden->maxAbsError) +
                                                            " differs from the manifest's " + num(recorded));
            at::NoGradGuard noGrad;
            // forward, and encode where the golden set has mu: the largest difference.
            const auto goldenError = [&](const Model& model) {
                double e = maxAbs(model.forwardNative(golden->input).to(at::kFloat), golden->reconstruction);
                if (golden->mu.defined()) e = std::max(e, maxAbs(model.encodeNative(golden->input).to(at::kFloat), golden->mu));
                return e;
            };
            if (scripted) {
                try {
                    r.goldenMaxAbsError = goldenError(*scripted);
                    const bool ok = r.goldenMaxAbsError <= golden->maxAbsError;
                    rec.check("golden model.pt", ok,
                              ok ? "model.pt reproduces the " + std::to_string(r.goldenImages) + " golden outputs, largest error " +
                                       num(r.goldenMaxAbsError) + " <= " + num(golden->maxAbsError)
                                 : std::string(PackageLayout::kGoldenExpected) + ": model.pt differs from the expected outputs by " +
                                       num(r.goldenMaxAbsError) + " > tolerance " + num(golden->maxAbsError));
                } catch (const std::exception& e) {
                    rec.check("golden model.pt", false, std::string(PackageLayout::kModel) + ": fails on the golden input: " + firstLine(e.what()));
                }
            }
            if (weightsModel && weightsModel != scripted) {
                try {
                    r.goldenWeightsMaxAbsError = goldenError(*weightsModel);
                    const bool ok = r.goldenWeightsMaxAbsError <= golden->maxAbsError;
                    rec.check("golden weights", ok,
                              ok ? std::string(PackageLayout::kWeights) + " (dequantized) reproduces the golden outputs, largest error " +
                                       num(r.goldenWeightsMaxAbsError) + " <= " + num(golden->maxAbsError)
                                 : std::string(PackageLayout::kGoldenExpected) + ": the dequantized " + PackageLayout::kWeights +
                                       " differ from the expected outputs by " + num(r.goldenWeightsMaxAbsError) + " > tolerance " +
                                       num(golden->maxAbsError));
                } catch (const std::exception& e) {
                    rec.check("golden weights", false, std::string(PackageLayout::kWeights) + ": fails on the golden input: " + firstLine(e.what()));
                }
            }
        }
    } else {
        rec.check("golden", false, "golden/: the golden files are not all listed in the manifest");
    }

    // 5b. The ONNX files: data, so checked without trust. Structure first (nothing runs a file
    // whose Q/DQ tensors disagree with the manifest and the packed weights), then OpenCV DNN on
    // the folded graph.
    std::shared_ptr<const Model> onnxModel;
    const nlohmann::json onnxRec = manifest.contains("onnx") && manifest["onnx"].is_object() ? manifest["onnx"] : nlohmann::json::object();
    if (onnxRec.contains("files") && onnxRec["files"].is_array() && !onnxRec["files"].empty()) {
        if (!progress.update(0.52, "checking the ONNX files")) return Error::cancelled();
        std::map<std::string, OnnxTensorPlan> plans;
        for (const auto& t : onnxRec.value("tensors", nlohmann::json::array())) {
            auto p = onnxTensorFromJson(t);
            if (!p) rec.check("onnx tensors", false, p.error().message);
            else plans[p->name] = *p;
        }
        // A nearest-code step between encoder.onnx and decoder.onnx: its codebook file must hold
        // exactly the package's values of the codebook tensor, or the device decodes other codes.
        at::Tensor codebook;
        bool codebookOk = true;
        if (onnxRec.contains("latent_step") && onnxRec["latent_step"].is_object()) {
            const nlohmann::json& step = onnxRec["latent_step"];
            const std::string file = step.value("file", std::string(PackageLayout::kCodebook));
            const std::string modelTensor = step.value("model_tensor", std::string());
            codebookOk = false;
            if (step.value("kind", std::string()) != "nearest-code") {
                rec.check("onnx " + file, false, std::string(PackageLayout::kManifest) + ": onnx.latent_step '" + step.value("kind", std::string()) +
                                                     "' is not a step this verifier knows (nearest-code)");
            } else if (const std::string why = unusable(file); !why.empty()) {
                rec.check("onnx " + file, false, why);
            } else if (auto cb = readSafetensors(path(file)); !cb) {
                rec.check("onnx " + file, false, cb.error().message);
            } else if (const at::Tensor* t = cb->find(step.value("tensor", std::string("codebook"))); !t || t->dim() != 2 || t->scalar_type() != at::kFloat) {
                rec.check("onnx " + file, false, file + ": no float32 [K, L] tensor '" + step.value("tensor", std::string("codebook")) + "'");
            } else if (!weights) {
                rec.skip("onnx " + file, file + ": skipped: it is checked against " + std::string(PackageLayout::kWeights) + ", which was not loaded");
            } else {
                const auto it = plans.find(modelTensor);
                const at::Tensor* d = weights->dequantized.find(modelTensor);
                if (it == plans.end() || !d) {
                    rec.check("onnx " + file, false, std::string(PackageLayout::kManifest) + ": onnx.latent_step names '" + modelTensor + "', which onnx.tensors or " +
                                                         PackageLayout::kWeights + " lacks");
                } else {
                    const at::Tensor want = onnxTensorValues(it->second, *d);
                    codebookOk = t->sizes() == want.sizes() && t->equal(want);
                    if (rec.check("onnx " + file, codebookOk,
                                  codebookOk ? file + ": " + std::to_string(t->size(0)) + " codes of width " + std::to_string(t->size(1)) +
                                                   ", equal to " + modelTensor + " as stored for the ONNX files"
                                             : file + ": the codebook differs from " + modelTensor + " as stored for the ONNX files (largest difference " +
                                                   (t->sizes() == want.sizes() ? num(maxAbs(*t, want)) : std::string("n/a: another shape")) + ")"))
                        codebook = *t;
                }
            }
        }
        std::map<std::string, std::shared_ptr<const OpenCvOnnxModel>> nets;
        at::Tensor encoderOut;  // encoder.onnx's golden output: what decoder.onnx gets through the step
        const std::string expWhy = unusable(PackageLayout::kGoldenOnnxExpected);
        const std::string inWhy = unusable(PackageLayout::kGoldenInput);
        std::optional<StateDict> onnxExpected;
        at::Tensor goldenInput;
        if (expWhy.empty() && inWhy.empty()) {
            auto e = readSafetensors(path(PackageLayout::kGoldenOnnxExpected));
            auto g = GoldenSet::read(packageDir);
            if (!e) rec.check("onnx golden", false, e.error().message);
            else if (!g) rec.check("onnx golden", false, g.error().message);
            else {
                onnxExpected = std::move(*e);
                goldenInput = g->input;
            }
        }
        const double tolerance = manifest.contains("golden") ? manifest["golden"].value("max_abs_error", kGoldenMaxAbsError) : kGoldenMaxAbsError;
        for (const auto& f : onnxRec["files"]) {
            ++r.onnxFiles;
            const std::string file = f.value("file", std::string());
            if (const std::string why = unusable(file); !why.empty()) {
                if (fileOk.count(file)) rec.skip("onnx " + file, file + ": skipped: " + why + "; it was not opened");
                else rec.check("onnx " + file, false, file + ": listed in the manifest's onnx.files but not in its file list");
                continue;
            }
            if (!weights) {
                rec.skip("onnx " + file, file + ": skipped: its structure is checked against " + PackageLayout::kWeights + ", which was not loaded");
                continue;
            }
            std::vector<OnnxTensorExpectation> expected;
            std::string missing;
            for (const auto& name : f.value("tensors", std::vector<std::string>())) {
                const auto it = plans.find(name);
                const at::Tensor* d = weights->dequantized.find(name);
                if (it == plans.end() || !d) {
                    missing = name;
                    break;
                }
                const QuantizedTensor* packed = nullptr;
                for (const auto& q : weights->tensors)
                    if (q.name == name) packed = &q;
                expected.push_back({it->second, packed, *d});
            }
            if (!missing.empty()) {
                rec.check("onnx " + file, false, std::string(PackageLayout::kManifest) + ": " + file + " holds '" + missing +
                                                     "', which onnx.tensors or " + PackageLayout::kWeights + " lacks");
                continue;
            }
            auto bytes = readFile(path(file), std::numeric_limits<size_t>::max());
            if (!bytes) {
                rec.check("onnx " + file, false, bytes.error().message);
                continue;
            }
            auto insp = inspectOnnx(file, *bytes, expected);
            if (!insp) {
                rec.check("onnx " + file, false, insp.error().message);
                continue;
            }
            // Folding its DQ / Cast nodes gives exactly the package's values of every tensor.
            for (const auto& e : expected) {
                const at::Tensor want = onnxTensorValues(e.plan, e.dequantized);
                const at::Tensor* got = insp->weights.find(e.plan.name);
                if (got && (got->sizes() != want.sizes() || !got->equal(want)))
                    insp->problems.push_back(file + ": " + e.plan.name + " folded from the file differs from the dequantized " + PackageLayout::kWeights +
                                             " (largest difference " + num(maxAbs(*got, want)) + ")");
            }
            const int opset = f.value("opset", 0);
            if (insp->opset != opset) insp->problems.push_back(file + ": opset " + std::to_string(insp->opset) + ", the manifest says " + std::to_string(opset));
            if (!rec.check("onnx " + file, insp->ok(),
                           insp->ok() ? file + ": opset " + std::to_string(insp->opset) + ", " + std::to_string(insp->qdqTensors) +
                                            " tensors as integer initializer + DequantizeLinear with the packed scales, " +
                                            std::to_string(expected.size()) + " tensors equal to the package's values once folded"
                                      : insp->problems.front() +
                                            (insp->problems.size() > 1 ? " (and " + std::to_string(insp->problems.size() - 1) + " more)" : std::string())))
                continue;  // nothing runs a file whose structure is wrong
            ModelInfo info;
            if (weightsModelFp32) info = weightsModelFp32->info();
            else {
                info.inputShape = scriptedOptions.inputShape.value_or(std::vector<int64_t>{});
                info.inputRange = scriptedOptions.inputRange;
                info.outputRange = scriptedOptions.outputRange;
            }
            auto net = OpenCvOnnxModel::load(file, insp->folded, info);
            if (!net) {
                rec.check("onnx golden " + file, false, net.error().message);
                continue;
            }
            const std::string graph = f.value("graph", std::string());
            nets[graph] = *net;
            if (!onnxExpected) {
                rec.skip("onnx golden " + file, file + ": golden check skipped: " + (!expWhy.empty() ? expWhy : !inWhy.empty() ? inWhy : "golden files unreadable"));
                continue;
            }
            // With a nearest-code step the decoder runs on the codes nearest to encoder.onnx's own
            // output (encoder -> step -> decoder, as on the device); otherwise on mu.
            const bool chained = graph == "decoder" && onnxRec.contains("latent_step");
            if (chained && (!codebookOk || !codebook.defined() || !encoderOut.defined())) {
                rec.check("onnx golden " + file, false,
                          file + ": not run: it decodes the nearest codes of encoder.onnx's output, and " +
                              (!codebook.defined() ? std::string("the codebook did not pass its check") : std::string("encoder.onnx did not run")));
                continue;
            }
            const at::Tensor x = chained ? nearestCodeVectors(encoderOut, codebook) : graph == "decoder" ? onnxExpected->get("mu") : goldenInput;
            const at::Tensor want = graph == "encoder" ? onnxExpected->get("mu") : onnxExpected->get("reconstruction");
            auto y = x.defined() ? (*net)->run(x) : Result<at::Tensor>(fail(std::string(PackageLayout::kGoldenOnnxExpected) + ": has no 'mu'"));
            if (!y) {
                rec.check("onnx golden " + file, false, y.error().message);
                continue;
            }
            if (graph == "encoder") encoderOut = *y;
            const double err = want.defined() && want.sizes() == y->sizes() ? maxAbs(*y, want) : std::numeric_limits<double>::infinity();
            r.onnxGoldenMaxAbsError = std::isnan(r.onnxGoldenMaxAbsError) ? err : std::max(r.onnxGoldenMaxAbsError, err);
            const bool ok = err <= tolerance;
            if (ok) ++r.onnxFilesRun;
            const std::string what = chained ? "encoder.onnx -> nearest code -> " + file : file;
            rec.check("onnx golden " + file, ok,
                      ok ? what + " (weight DQ folded, OpenCV DNN) reproduces " + PackageLayout::kGoldenOnnxExpected + ", largest error " + num(err) +
                               " <= " + num(tolerance)
                         : std::string(PackageLayout::kGoldenOnnxExpected) + ": " + what + " run by OpenCV DNN differs by " + num(err) + " > tolerance " +
                               num(tolerance));
        }
        // What the metrics re-measure: model.onnx, or without one the pair with its step.
        if (nets.count("model")) {
            onnxModel = nets["model"];
        } else if (nets.count("encoder") && nets.count("decoder") && (!onnxRec.contains("latent_step") || codebook.defined())) {
            onnxModel = std::make_shared<OnnxPairModel>(nets["encoder"], nets["decoder"], codebook, nets["encoder"]->info());
            r.onnxMetricsLabel = codebook.defined() ? "encoder.onnx -> nearest code -> decoder.onnx" : "encoder.onnx -> decoder.onnx";
        }
    }

    // 6. Metrics, re-measured on the same images.
    if (options.data) {
        const std::string want = manifest.contains("metrics") ? manifest["metrics"]["data"].value("images_sha256", std::string()) : std::string();
        const std::string got = datasetImagesSha256(*options.data);
        const bool sameData = rec.check("metrics data", got == want,
                                        got == want ? "evaluation images: SHA-256 matches the manifest (" + std::to_string(options.data->size()) + " images)"
                                                    : "evaluation images (" + options.data->identity + ") differ from those the package was measured on (SHA-256 " +
                                                          shortHash(got) + " vs " + shortHash(want) + ")");
        const auto& metrics = manifest.contains("metrics") ? manifest["metrics"] : nlohmann::json::object();
        const auto line = [&](const char* file, const char* what, const char* key, const SummaryGap& d) {
            const bool ok = d.rel <= kMetricRelTolerance;
            return std::string(file) + ": metrics of " + what + " re-measured on " + std::to_string(r.n) + " images " +
                   (ok ? "equal" : "differ from") + " the manifest's metrics." + key + " (largest relative difference " + num(d.rel) +
                   (ok ? " <= " : " > ") + num(kMetricRelTolerance) + (d.where.empty() ? std::string() : ", " + d.where) + ")";
        };
        // Each path is measured when it could be loaded; the other is reported skipped.
        if (sameData && scripted) {
            auto m = evaluateModel(*scripted, *options.data, options.batchSize, progress.sub(0.55, 0.8));
            if (!m) {
                if (m.error().isCancelled()) return m.error();
                rec.check("metrics model.pt", false, std::string(PackageLayout::kModel) + ": " + m.error().message);
            } else {
                r.metricsChecked = true;
                r.n = static_cast<int64_t>(m->size());
                r.packagedModel = summarize(*m);
                const SummaryGap dm = compareSummary(r.packagedModel, metrics.value("packaged_model", nlohmann::json::object()));
                r.metricsMaxRelDifference = std::isnan(r.metricsMaxRelDifference) ? dm.rel : std::max(r.metricsMaxRelDifference, dm.rel);
                rec.check("metrics model.pt", dm.rel <= kMetricRelTolerance, line(PackageLayout::kModel, "model.pt", "packaged_model", dm));
            }
        } else if (sameData) {
            rec.skip("metrics model.pt", std::string(PackageLayout::kModel) + ": metrics skipped: the model was not loaded");
        }
        if (sameData && weightsModelFp32) {
            auto w = evaluateModel(*weightsModelFp32, *options.data, options.batchSize, progress.sub(0.8, 1.0));
            if (!w) {
                if (w.error().isCancelled()) return w.error();
                rec.check("metrics weights", false, std::string(PackageLayout::kWeights) + ": " + w.error().message);
            } else {
                r.metricsChecked = true;
                r.n = static_cast<int64_t>(w->size());
                r.weightsModel = summarize(*w);
                const SummaryGap dw = compareSummary(r.weightsModel, metrics.value("compressed", nlohmann::json::object()));
                r.metricsMaxRelDifference = std::isnan(r.metricsMaxRelDifference) ? dw.rel : std::max(r.metricsMaxRelDifference, dw.rel);
                rec.check("metrics weights", dw.rel <= kMetricRelTolerance,
                          line(PackageLayout::kWeights, "the dequantized weights", "compressed", dw));
            }
        } else if (sameData) {
            rec.skip("metrics weights", std::string(PackageLayout::kWeights) + ": metrics skipped: the weights were not loaded");
        }
        if (sameData && onnxModel) {
            auto o = evaluateModel(*onnxModel, *options.data, options.batchSize, progress.sub(0.9, 1.0));
            if (!o) {
                if (o.error().isCancelled()) return o.error();
                rec.check("metrics model.onnx", false, r.onnxMetricsLabel + ": " + o.error().message);
            } else {
                r.onnxMetricsChecked = true;
                r.onnxModel = summarize(*o);
                const SummaryGap d = compareSummary(r.onnxModel, onnxRec.value("metrics", nlohmann::json::object()));
                r.onnxMetricsMaxRelDifference = d.rel;
                rec.check("metrics model.onnx", d.rel <= kMetricRelTolerance,
                          line(r.onnxMetricsLabel.c_str(), (r.onnxMetricsLabel + " (OpenCV DNN)").c_str(), "onnx.metrics", d));
            }
        } else if (sameData && r.onnxFiles > 0) {
            rec.skip("metrics model.onnx", r.onnxMetricsLabel + ": metrics skipped: the file did not pass its checks or was not run");
        }
    }
    if (!progress.update(1.0, "verified")) return Error::cancelled();
    return finish();
}

}  // namespace

Result<VerificationReport> verifyPackage(const std::string& packageDir, const VerifyOptions& options, const ProgressSink& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    VerificationReport r;
    r.package = packageDir;
    try {
        if (Status st = runChecks(packageDir, options, progress, r); !st) return st.error();
    } catch (const std::exception& e) {
        const std::string msg = std::string(PackageLayout::kManifest) + ": malformed (" + firstLine(e.what()) + ")";
        r.checks.push_back({"manifest contents", false, msg});
        r.failures.push_back(msg);
    }
    r.passed = r.failures.empty() && !r.checks.empty();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace pareto
