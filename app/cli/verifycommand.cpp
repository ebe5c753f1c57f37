// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "common/jsontext.h"
#include "clisupport.h"
#include "commands.h"

#include "common/atomicfile.h"
#include "common/utf8text.h"
#include "data/datasetloader.h"
#include "export/exportjson.h"
#include "export/packagelayout.h"
#include "export/packageverifier.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

namespace pareto::cli {
namespace {

const char* kVerifyHelp =
    "usage: pareto verify PKG [--data SPEC [--split S] [--limit N]] [--trust-code] [--batch-size N] [--json] [--quiet]\n"
    "\n"
    "Checks a deployment package from its files alone: manifest.sha256 against manifest.json,\n"
    "the size and SHA-256 of every file the manifest lists (and that nothing else is there),\n"
    "re-opens weights.safetensors and dequantizes it and runs the golden inputs through it\n"
    "with the reference kernels. Nothing is loaded from a file whose hash check failed.\n"
    "model.pt is a TorchScript program: only with --trust-code is it loaded with LibTorch,\n"
    "its parameters compared with the weights and the golden inputs run through it;\n"
    "without the flag its checks are listed as \"skipped: contains code\". Prints PASS or\n"
    "FAIL with the largest golden error; exit status 0 on PASS, 1 on FAIL.\n"
    "\n"
    "  --data SPEC   also re-measure model.pt and the weights on these images and compare with\n"
    "                the manifest's metrics (they must be the images the package was measured\n"
    "                on: split and limit default to the manifest's)\n"
    "  --json        machine-readable report (keys in the README)\n"
    "  --quiet       no progress on stderr\n";

}  // namespace

int runVerify(const std::vector<std::string>& argv) {
    Args args(argv, {"data", "split", "limit", "batch-size"}, {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::printf("%s", kVerifyHelp);
        return kExitOk;
    }
    const long long batch = args.intOr("batch-size", 64);
    if (!args.ok() || args.positional().size() != 1 || batch < 1) {
        const std::string why = !args.ok() ? args.error() : batch < 1 ? "--batch-size must be positive" : "expected one package folder";
        std::fprintf(stderr, "pareto verify: %s\n%s", why.c_str(), kVerifyHelp);
        return kExitUsage;
    }
    const std::string pkg = args.positional()[0];
    const ProgressSink progress = stderrProgress(args.flag("quiet"));

    VerifyOptions options;
    options.batchSize = static_cast<int>(batch);
    options.trustCode = cliLoadOptions().trustCode;
    Dataset data;
    if (auto specText = args.value("data")) {
        auto spec = parseDataSpec(*specText);
        if (!spec) return reportError(spec.error());
        // Split, limit and the model's input come from the manifest unless given.
        nlohmann::json manifest;
        if (auto text = readFile((std::filesystem::path(pkg) / PackageLayout::kManifest).string(), 16u << 20)) {
            try {
                manifest = nlohmann::json::parse(*text);
            } catch (const std::exception&) {
            }
        }
        // What the manifest recorded (null when absent or malformed: the verifier reports that).
        const auto recorded = [&](const char* section, const char* key) -> nlohmann::json {
            const nlohmann::json& m = manifest;
            if (!m.is_object() || !m.contains(section) || !m[section].is_object()) return nullptr;
            const nlohmann::json& s = std::string(section) == "metrics" ? (m[section].contains("data") ? m[section]["data"] : m[section]) : m[section];
            return s.is_object() && s.contains(key) ? s[key] : nlohmann::json(nullptr);
        };
        DatasetLoadOptions lo;
        const std::string split = args.value("split") ? *args.value("split") : recorded("metrics", "split").is_string() ? recorded("metrics", "split").get<std::string>() : "";
        if (!split.empty()) {
            auto s = parseSplit(split);
            if (!s) return reportError(s.error());
            lo.split = *s;
        }
        lo.limit = args.value("limit") ? args.intOr("limit", -1) : recorded("metrics", "limit").is_number_integer() ? recorded("metrics", "limit").get<int64_t>() : -1;
        if (!args.ok()) {
            std::fprintf(stderr, "pareto verify: %s\n%s", args.error().c_str(), kVerifyHelp);
            return kExitUsage;
        }
        const auto shape = recorded("architecture", "input_shape");
        if (shape.is_array() && shape.size() == 3 && shape[0].is_number_integer() && shape[1].is_number_integer() &&
            shape[2].is_number_integer()) {
            lo.channels = shape[0].get<int>();
            lo.height = shape[1].get<int>();
            lo.width = shape[2].get<int>();
        }
        auto loaded = loadDataset(*spec, lo, progress.sub(0.0, 0.2));
        if (!loaded) return reportError(loaded.error());
        data = std::move(*loaded);
        options.data = &data;
    }

    auto report = verifyPackage(pkg, options, progress.sub(options.data ? 0.2 : 0.0, 1.0));
    if (!report) return reportError(report.error());
    if (args.flag("json")) {
        std::printf("%s\n", dumpJson(ExportJson::verification(*report), 2).c_str());
        return report->passed ? kExitOk : kExitFailure;
    }
    for (const auto& c : report->checks)
        std::printf("%-4s  %s\n", c.skipped ? "skip" : c.passed ? "ok" : "FAIL", printableText(c.message).c_str());
    std::printf("\n%s  %s: %zu checks, %zu failed, %zu skipped; largest golden error %.3g (tolerance %.3g)\n", report->verdict(),
                printableText(pkg).c_str(), report->checks.size(), report->failures.size(), report->skipped.size(),
                report->largestError(), report->goldenTolerance);
    if (!report->passed) std::fprintf(stderr, "pareto verify: FAIL: %s\n", printableText(report->failures.front()).c_str());
    return report->passed ? kExitOk : kExitFailure;
}

}  // namespace pareto::cli
