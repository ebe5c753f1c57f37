// SPDX-License-Identifier: Apache-2.0
// The package verifier on a package folder made from the input: data only (trustCode stays
// false, so model.pt is never loaded). Input layout, readable and easy to mutate:
//
//   <flags byte> <manifest.json bytes> [ "\n==> " NAME " <==\n" <file bytes> ]...
//
// Flags bit 0: write manifest.sha256 as the true hash of manifest.json (so mutations reach
// the manifest's parsing and the checks behind it), unless a section names manifest.sha256.
// NAME is a relative path of [A-Za-z0-9._-] parts (at most 3, no "..", no links); others
// are dropped. Everything is written under the per-process temp folder.
#include "export/packageverifier.h"
#include "common/hash.h"
#include "fuzzsupport.h"
#include "model/opencvonnxmodel.h"

#include <cstring>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kOpen = "\n==> ";
constexpr std::string_view kClose = " <==\n";

bool safeName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    int parts = 1;
    std::string_view part;
    size_t start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i < name.size() && name[i] != '/') {
            const char c = name[i];
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
            continue;
        }
        part = name.substr(start, i - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (i < name.size()) ++parts;
        start = i + 1;
    }
    return parts <= 3;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    // Far inside the 2 GB a run may use (ASan adds its own) and quick to refuse: the probe
    // and the search for the failing node each run graphs up to it.
    OpenCvOnnxModel::setActivationBudget(64ull << 20);
    if (size < 1) return 0;
    const bool hashManifest = data[0] & 1;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

    fuzz::clearTempDir();
    const std::string pkg = "package";
    std::vector<std::pair<std::string, std::string_view>> files;
    size_t pos = rest.find(kOpen);
    files.emplace_back("manifest.json", rest.substr(0, pos));
    while (pos != std::string_view::npos && files.size() < 12) {
        const size_t nameAt = pos + kOpen.size();
        const size_t close = rest.find(kClose, nameAt);
        if (close == std::string_view::npos) break;
        const std::string_view name = rest.substr(nameAt, close - nameAt);
        const size_t bodyAt = close + kClose.size();
        pos = rest.find(kOpen, bodyAt);
        const std::string_view body = rest.substr(bodyAt, pos == std::string_view::npos ? std::string_view::npos : pos - bodyAt);
        if (safeName(name)) files.emplace_back(std::string(name), body);
    }
    bool haveHash = false;
    for (const auto& [name, body] : files) {
        haveHash = haveHash || name == "manifest.sha256";
        fuzz::writeTempFile(pkg + "/" + name, reinterpret_cast<const uint8_t*>(body.data()), body.size());
    }
    if (hashManifest && !haveHash) {
        const std::string line = sha256Hex(files[0].second.data(), files[0].second.size()) + "  manifest.json\n";
        fuzz::writeTempFile(pkg + "/manifest.sha256", reinterpret_cast<const uint8_t*>(line.data()), line.size());
    }

    VerifyOptions options;
    options.trustCode = false;
    auto report = verifyPackage(fuzz::tempDir() + "/" + pkg, options);
    if (!report) __builtin_trap();  // only cancellation may end without a report
    if (report->checks.empty()) __builtin_trap();
    for (const auto& c : report->checks)
        if (c.message.empty()) __builtin_trap();
    return 0;
}
