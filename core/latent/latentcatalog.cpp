// SPDX-License-Identifier: Apache-2.0
#include "latent/latentcatalog.h"

#include "common/resourcepaths.h"
#include "io/safetensors.h"
#include "model/modelregistry.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace pareto {
namespace {

std::optional<double> parseDouble(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return v;
}

std::optional<uint64_t> parseUnsigned(const std::string& s) {
    if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return static_cast<uint64_t>(v);
}

std::string metaOr(const std::map<std::string, std::string>& m, const char* key) {
    auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
}

std::string canonical(const std::string& path) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::path(path), ec);
    return ec ? path : p.string();
}

bool entryLess(const CatalogEntry& a, const CatalogEntry& b) {
    if (a.seed.has_value() != b.seed.has_value()) return a.seed.has_value();  // unknown seeds last
    if (a.seed && *a.seed != *b.seed) return *a.seed < *b.seed;
    return a.path < b.path;
}

}  // namespace

std::optional<uint64_t> seedFromCommand(const std::string& command) {
    std::istringstream in(command);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--seed" && i + 1 < words.size()) return parseUnsigned(words[i + 1]);
        if (words[i].rfind("--seed=", 0) == 0) return parseUnsigned(words[i].substr(7));
    }
    return std::nullopt;
}

Result<CatalogEntry> LatentCatalog::readEntry(const std::string& path) {
    auto header = readSafetensorsHeader(path);
    if (!header) return header.error();
    TensorShapes shapes;
    for (const auto& t : header->tensors) shapes.push_back({t.name, t.shape});
    // Any built-in architecture with a latent: the registry recognises it from the names.
    auto described = describeWeights(shapes);
    if (!described) return fail(path + ": " + described.error().message);
    if (described->latent.kind == LatentKind::None) return fail(path + ": the model has no latent to list by size");

    CatalogEntry e;
    e.path = path;
    e.arch = described->arch;
    e.channels = described->inputShape.empty() ? 0 : described->inputShape[0];
    e.latentDim = described->latentDim;
    e.params = described->params;
    e.metadata = header->metadata;
    const auto& m = e.metadata;
    if (auto declared = parseUnsigned(metaOr(m, "pareto.latent_dim")); declared && static_cast<int64_t>(*declared) != e.latentDim)
        return fail(path + ": metadata says pareto.latent_dim " + std::to_string(*declared) + " but the weights have latent " +
                    std::to_string(e.latentDim));
    if (const std::string method = metaOr(m, "pareto.latent_method"); !method.empty()) e.method = method;
    e.command = metaOr(m, "pareto.command");
    if (auto s = parseUnsigned(metaOr(m, "pareto.seed"))) {
        e.seed = s;
        e.seedSource = "pareto.seed";
    } else if (auto c = seedFromCommand(e.command)) {
        e.seed = c;
        e.seedSource = "pareto.command";
    } else if (e.command.rfind("pareto train", 0) == 0) {
        e.seed = 1;  // TrainConfig's default seed, which `pareto train` uses without --seed
        e.seedSource = "default";
    }
    e.testMse = parseDouble(metaOr(m, "pareto.test_mse"));
    const std::string ci = metaOr(m, "pareto.test_mse_ci95");
    if (const auto comma = ci.find(','); comma != std::string::npos) {
        auto lo = parseDouble(ci.substr(0, comma)), hi = parseDouble(ci.substr(comma + 1));
        if (lo && hi) e.testMseCi = std::make_pair(*lo, *hi);
    }
    e.testData = metaOr(m, "pareto.test_data");
    e.trainData = metaOr(m, "pareto.train_data");
    if (auto b = parseUnsigned(metaOr(m, "pareto.best_epoch"))) e.bestEpoch = static_cast<int>(*b);
    if (auto s = parseDouble(metaOr(m, "pareto.seconds_per_epoch"))) e.secondsPerEpoch = *s;

    // foo.safetensors -> foo.train.json (the `pareto train --json` log, by convention).
    fs::path log(path);
    log.replace_extension(".train.json");
    std::error_code ec;
    if (fs::is_regular_file(log, ec)) e.logPath = log.string();
    return e;
}

void LatentCatalog::addFolder(const std::string& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        m_warnings.push_back(folder + ": no such folder (no trained latent models there yet)");
        return;
    }
    std::vector<std::string> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.extension() == ".safetensors" && it->is_regular_file(ec)) files.push_back(p.string());
    }
    if (ec) m_warnings.push_back(folder + ": cannot list the folder (" + ec.message() + ")");
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        if (Status st = addFile(f); !st) m_warnings.push_back("skipped " + st.error().message);
}

Status LatentCatalog::addFile(const std::string& path) {
    const std::string key = canonical(path);
    for (const auto& e : m_entries)
        if (canonical(e.path) == key) return Status::success();
    auto entry = readEntry(path);
    if (!entry) return entry.error();
    m_entries.push_back(std::move(*entry));
    return Status::success();
}

std::vector<int64_t> LatentCatalog::latents(const std::string& method) const {
    std::set<int64_t> ls;
    for (const auto& e : m_entries)
        if (e.method == method) ls.insert(e.latentDim);
    return {ls.begin(), ls.end()};
}

std::vector<CatalogEntry> LatentCatalog::entriesFor(int64_t latentDim, const std::string& method) const {
    std::vector<CatalogEntry> out;
    for (const auto& e : m_entries)
        if (e.latentDim == latentDim && e.method == method) out.push_back(e);
    std::stable_sort(out.begin(), out.end(), entryLess);
    return out;
}

const CatalogEntry* LatentCatalog::find(int64_t latentDim, uint64_t seed, const std::string& method) const {
    for (const auto& e : m_entries)
        if (e.latentDim == latentDim && e.method == method && e.seed && *e.seed == seed) return &e;
    return nullptr;
}

std::vector<CatalogGroup> LatentCatalog::groups(const std::string& method) const {
    std::vector<CatalogGroup> out;
    for (int64_t L : latents(method)) {
        CatalogGroup g;
        g.latentDim = L;
        g.entries = entriesFor(L, method);
        g.params = g.entries.front().params;
        std::vector<double> mses;
        std::set<std::string> testData;
        std::set<int64_t> channels;
        std::set<uint64_t> seeds;
        for (const auto& e : g.entries) {
            channels.insert(e.channels);
            if (e.seed && !seeds.insert(*e.seed).second)
                g.warnings.push_back("L=" + std::to_string(L) + ": more than one checkpoint with seed " + std::to_string(*e.seed) +
                                     " (" + e.path + ")");
            if (e.testMse) {
                mses.push_back(*e.testMse);
                testData.insert(e.testData);
            }
        }
        if (channels.size() > 1) g.warnings.push_back("L=" + std::to_string(L) + ": checkpoints with different channel counts");
        if (testData.size() > 1)
            g.warnings.push_back("L=" + std::to_string(L) + ": test MSEs were measured on different data; their mean mixes them");
        g.testMse = tMeanCI(mses);
        out.push_back(std::move(g));
    }
    return out;
}

std::string demoLatentFolder() { return resourceDir() + "/demo/latent"; }

LatentCatalog demoLatentCatalog() {
    LatentCatalog c;
    if (Status st = c.addFile(demoModelPath()); !st) c.addWarning(st.error().message);
    c.addFolder(demoLatentFolder());
    return c;
}

}  // namespace pareto
