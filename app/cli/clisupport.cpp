// SPDX-License-Identifier: Apache-2.0
#include "clisupport.h"

#include "common/jsontext.h"
#include "common/resourcepaths.h"
#include "common/utf8text.h"
#include "eval/modelevaluation.h"
#include "eval/sessionopening.h"
#include "model/modeljson.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <mutex>
#include <unistd.h>

namespace pareto::cli {
namespace {

CancelToken& interruptToken() {
    static CancelToken token = makeCancelToken();
    return token;
}

// The first Ctrl-C asks the work to stop at its next check; a second one ends the process
// at once (a trusted TorchScript call that never returns cannot be asked).
extern "C" void onInterrupt(int) {
    static std::atomic<int> count{0};
    if (count.fetch_add(1) > 0) _exit(130);
    interruptToken()->store(true);
}

CheckpointLoadOptions& loadOptionsStorage() {
    static CheckpointLoadOptions options;
    return options;
}

ScriptedModelOptions& scriptedOptionsStorage() {
    static ScriptedModelOptions options;
    return options;
}

// "1,28,28" -> {1, 28, 28}.
bool parseShape(const std::string& text, std::vector<int64_t>& out) {
    out.clear();
    std::string item;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ',') {
            char* end = nullptr;
            const long long v = std::strtoll(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || v < 1) return false;
            out.push_back(v);
            item.clear();
        } else {
            item += text[i];
        }
    }
    return out.size() == 3;
}

}  // namespace

const CheckpointLoadOptions& cliLoadOptions() { return loadOptionsStorage(); }

const ScriptedModelOptions& cliScriptedOptions() { return scriptedOptionsStorage(); }

bool takeLoadOptions(std::vector<std::string>& args, std::string& error) {
    std::vector<std::string> kept;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {  // everything after stays positional
            kept.insert(kept.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            break;
        }
        if (a == "--trust-code") {
            loadOptionsStorage().trustCode = true;
            continue;
        }
        // --input-shape C,H,W, --input-range LO,HI, --output-range LO,HI (TorchScript models).
        bool model = false;
        for (const char* name : {"--input-shape", "--input-range", "--output-range"}) {
            const std::string flag = name;
            std::string v;
            if (a == flag) {
                if (i + 1 >= args.size()) {
                    error = flag + " needs a value";
                    return false;
                }
                v = args[++i];
            } else if (a.rfind(flag + "=", 0) == 0) {
                v = a.substr(flag.size() + 1);
            } else {
                continue;
            }
            model = true;
            if (flag == "--input-shape") {
                std::vector<int64_t> shape;
                if (!parseShape(v, shape)) {
                    error = "--input-shape takes C,H,W (positive numbers), not '" + printableText(v) + "'";
                    return false;
                }
                scriptedOptionsStorage().inputShape = shape;
            } else {
                auto range = parseValueRange(v);
                if (!range) {
                    error = flag + ": " + printableText(range.error().message);
                    return false;
                }
                (flag == "--input-range" ? scriptedOptionsStorage().inputRange : scriptedOptionsStorage().outputRange) = *range;
            }
        }
        if (model) continue;
        std::string value;
        if (a == "--max-inflated-bytes") {
            if (i + 1 >= args.size()) {
                error = "--max-inflated-bytes needs a value";
                return false;
            }
            value = args[++i];
        } else if (a.rfind("--max-inflated-bytes=", 0) == 0) {
            value = a.substr(std::string("--max-inflated-bytes=").size());
        } else {
            kept.push_back(a);
            continue;
        }
        char* end = nullptr;
        errno = 0;
        const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || errno == ERANGE || n == 0 || value[0] == '-') {
            error = "--max-inflated-bytes takes a positive number of bytes, not '" + printableText(value) + "'";
            return false;
        }
        loadOptionsStorage().maxInflatedBytes = n;
    }
    args = std::move(kept);
    return true;
}

std::string cliModelPath(const std::string& arg) { return arg == "demo" ? demoModelPath() : arg; }

Result<LoadedModel> loadCliModel(const std::string& path) {
    return loadModel(cliModelPath(path), cliLoadOptions(), cliScriptedOptions());
}

Result<EvaluationImages> loadEvaluationImages(const CommandInputs& inputs, const ProgressSink& progress) {
    auto images = loadSessionImages(*inputs.loaded.model, inputs.spec, inputs.options, progress);
    if (!images) return images.error();
    return EvaluationImages{std::move(images->data), std::move(images->mean)};
}

Result<TrainingData> loadTrainingData(const DataSpec& spec, const std::vector<int64_t>& inputShape, long long trainLimit, long long valLimit,
                                      const ProgressSink& progress) {
    TrainingData d;
    DatasetLoadOptions& opts = d.options;
    opts.channels = static_cast<int>(inputShape.at(0));
    opts.height = static_cast<int>(inputShape.at(1));
    opts.width = static_cast<int>(inputShape.at(2));
    opts.split = Split::Train;
    opts.limit = trainLimit;
    auto train = loadDataset(spec, opts, progress.sub(0, 0.7));
    if (!train) return train.error();
    opts.split = Split::Validation;
    opts.limit = valLimit;
    auto val = loadDataset(spec, opts, progress.sub(0.7, 1.0));
    if (!val) return val.error();
    d.train = std::move(*train);
    d.val = std::move(*val);
    return d;
}

Result<CommandInputs> loadCommandInputs(const Args& args, long long limit, const std::string& checkpoint) {
    // 'demo' names the installed demo model and its held-out images, wherever the
    // package was unpacked: `pareto eval demo --data demo`.
    const std::string dataArg = args.valueOr("data", "");
    auto spec = parseDataSpec(dataArg == "demo" ? demoDataSpec() : dataArg);
    if (!spec) return spec.error();
    DatasetLoadOptions options;
    options.limit = limit;
    if (auto s = args.value("split")) {
        auto split = parseSplit(*s);
        if (!split) return split.error();
        options.split = *split;
    }
    auto loaded = openModelForData(cliModelPath(checkpoint), *spec, options, cliLoadOptions(), cliScriptedOptions());
    if (!loaded) return loaded.error();
    const DatasetLoadOptions modelOptions = optionsForModel(loaded->model->info(), options);
    return CommandInputs{std::move(*spec), options, std::move(*loaded), modelOptions};
}

ProgressSink stderrProgress(bool quiet) {
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    if (quiet) return ProgressSink({}, interruptToken());
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    auto mutex = std::make_shared<std::mutex>();
    // A terminal gets a redrawn line a few times a second; a log gets a line every 5 s.
    const auto interval = tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    return ProgressSink(
        [tty, last, mutex, interval](double f, const std::string& stage) {
            std::lock_guard<std::mutex> lock(*mutex);
            const auto now = std::chrono::steady_clock::now();
            if (now - *last < interval && f < 1.0) return true;
            *last = now;
            std::fprintf(stderr, tty ? "\r\033[K[%3.0f%%] %s" : "[%3.0f%%] %s\n", 100.0 * f, stage.c_str());
            if (tty && f >= 1.0) std::fputc('\n', stderr);
            std::fflush(stderr);
            return true;
        },
        interruptToken());
}

Error withPrefix(const std::string& what, const Error& error) {
    if (error.isCancelled()) return error;
    Error e = error;
    e.message = what + ": " + error.message;
    return e;
}

int reportError(const Error& error) {
    if (::isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);
    if (error.isCancelled()) {
        std::fputs("pareto: interrupted\n", stderr);
        return 130;
    }
    std::fprintf(stderr, "pareto: %s\n", printableText(error.message).c_str());
    return 1;
}

nlohmann::json toJson(const Estimate& e) { return {{"mean", e.mean}, {"ci95", {e.lo, e.hi}}}; }

std::string csvNumber(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string csvEstimate(const Estimate& e) { return csvNumber(e.mean) + "," + csvNumber(e.lo) + "," + csvNumber(e.hi); }

std::string csvDelta(const DeltaEstimate& d) { return csvEstimate(d.estimate) + "," + (d.significant ? "true" : "false"); }

std::string csvMetricColumns() {
    std::string out;
    for (const char* m : {"mse", "psnr", "ssim"}) out += std::string(out.empty() ? "" : ",") + m + "," + m + "_lo," + m + "_hi";
    for (const char* m : {"mse", "psnr", "ssim"}) {
        const std::string d = std::string("delta_") + m;
        out += "," + d + "," + d + "_lo," + d + "_hi," + d + "_significant";
    }
    return out;
}

nlohmann::json toJson(const DeltaEstimate& d) {
    nlohmann::json j = toJson(d.estimate);
    j["significant"] = d.significant;
    return j;
}

nlohmann::json toJson(const SizeReport& s) {
    nlohmann::json tensors = nlohmann::json::array();
    for (const auto& t : s.tensors)
        tensors.push_back({{"name", t.name}, {"scheme", t.scheme}, {"params", t.params}, {"bytes", t.bytes}, {"buffer", t.buffer}});
    return {{"bytes", s.bytes},   {"fp32_bytes", s.fp32Bytes},     {"ratio", s.ratio}, {"effective_bits_per_param", s.effectiveBitsPerParam},
            {"params", s.params}, {"buffer_values", s.bufferValues}, {"tensors", tensors}};
}

nlohmann::json toJson(const MetricSummary& s) { return {{"mse", toJson(s.mse)}, {"psnr", toJson(s.psnr)}, {"ssim", toJson(s.ssim)}}; }

std::string formatEstimate(const Estimate& e, int digits) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.*g [%.*g, %.*g]", digits, e.mean, digits, e.lo, digits, e.hi);
    return buf;
}

void addModelJson(nlohmann::json& j, const ModelInfo& info) {
    nlohmann::json m = modelInfoJson<nlohmann::json>(info);
    j["input_range"] = m["input_range"];
    j["output_range"] = m["output_range"];
    j["buffer_values"] = m["buffer_values"];
    j["model"] = std::move(m);
}

void printJson(const nlohmann::json& j) {
    std::fputs(dumpJson(j, 2).c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

double secondsSinceProcessStart() {
    static const auto firstCall = std::chrono::steady_clock::now();
    // Field 22 of /proc/self/stat is the start time in clock ticks after boot; /proc/uptime
    // is seconds after boot. Both tick at 10 ms here, fine for a command's load time.
    std::ifstream stat("/proc/self/stat"), uptime("/proc/uptime");
    std::string line;
    double up = 0;
    if (std::getline(stat, line) && (uptime >> up)) {
        const auto close = line.rfind(')');  // the command name may hold spaces
        std::istringstream rest(close == std::string::npos ? std::string() : line.substr(close + 2));
        std::string field;
        for (int i = 3; i <= 22 && (rest >> field); ++i)
            if (i == 22) {
                const long ticks = ::sysconf(_SC_CLK_TCK);
                const double started = std::strtod(field.c_str(), nullptr) / static_cast<double>(ticks > 0 ? ticks : 100);
                if (up >= started) return up - started;
            }
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - firstCall).count();
}

}  // namespace pareto::cli
