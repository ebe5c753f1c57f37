// SPDX-License-Identifier: Apache-2.0
#include "latentoptions.h"

#include "clisupport.h"

#include "latent/latentvariantbuilder.h"
#include "model/modelloader.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace pareto::cli {
namespace {

Result<int64_t> positiveInt(const std::string& item, const std::string& what) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || errno != 0 || v < 1)
        return fail(what + ": '" + item + "' is not a positive integer");
    return static_cast<int64_t>(v);
}

}  // namespace

std::vector<std::string> splitCommaList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

Result<std::vector<int64_t>> parseLatentList(const std::string& text) {
    std::vector<int64_t> out;
    std::set<int64_t> seen;
    for (const auto& item : splitCommaList(text)) {
        auto v = positiveInt(item, "latent list");
        if (!v) return v.error();
        if (!seen.insert(*v).second) return fail("latent list: " + item + " is listed twice");
        out.push_back(*v);
    }
    if (out.empty()) return fail("latent list is empty");
    return out;
}

LatentCatalog catalogFromArg(const std::string& arg) {
    if (arg == "demo") return demoLatentCatalog();
    LatentCatalog c;
    std::error_code ec;
    if (std::filesystem::is_regular_file(arg, ec)) {
        if (Status st = c.addFile(arg); !st) c.addWarning(st.error().message);
    } else {
        c.addFolder(arg);
    }
    return c;
}

std::string defaultLatentCacheDir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/pareto-studio/latent-sweep";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/pareto-studio/latent-sweep";
    return ".pareto-cache/latent-sweep";
}

Result<Dataset> loadCalibration(const DataSpec& spec, const DatasetLoadOptions& modelOptions, long long limit,
                                const ProgressSink& progress) {
    DatasetLoadOptions o = modelOptions;
    o.split = Split::Train;
    o.limit = limit;
    return loadDataset(spec, o, progress);
}

Result<std::vector<ScratchModel>> loadScratchModels(const std::vector<std::string>& paths, int64_t k, const ModelInfo& original) {
    std::vector<ScratchModel> out;
    for (const auto& p : paths) {
        auto m = loadTrainedModel(p, k, original, cliLoadOptions());
        if (!m) return m.error();
        out.push_back({p, *m});
    }
    return out;
}

nlohmann::json deltasToJson(const PairedDeltas& d) {
    return {{"mse", toJson(d.mse)}, {"psnr", toJson(d.psnr)}, {"ssim", toJson(d.ssim)}};
}

}  // namespace pareto::cli
