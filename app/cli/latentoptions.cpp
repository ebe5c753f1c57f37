#include "latentoptions.h"

#include "clisupport.h"

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

Result<std::vector<LatentAxisItem>> parseLatentAxis(const std::string& text) {
    std::vector<LatentAxisItem> out;
    std::string method;
    std::set<std::pair<std::string, int64_t>> seen;
    for (std::string item : splitCommaList(text)) {
        if (const auto colon = item.find(':'); colon != std::string::npos) {
            method = item.substr(0, colon);
            item = item.substr(colon + 1);
            if (method != "pca" && method != "distill" && method != "trained")
                return fail("--latents: unknown method '" + method + "' (pca, distill or trained)");
        }
        if (method.empty()) return fail("--latents: '" + item + "' needs a method first, e.g. pca:" + item);
        auto k = positiveInt(item, "--latents");
        if (!k) return k.error();
        if (!seen.insert({method, *k}).second) return fail("--latents: " + method + ":" + item + " is listed twice");
        out.push_back({method, *k});
    }
    if (out.empty()) return fail("--latents is empty");
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

Result<std::vector<PerImageMetrics>> measureScratchModels(const std::vector<std::string>& paths, int64_t k, const Dataset& data,
                                                          int batchSize, const ProgressSink& progress) {
    std::vector<PerImageMetrics> out;
    for (size_t i = 0; i < paths.size(); ++i) {
        auto m = loadCliModel(paths[i]);
        if (!m) return m.error();
        if (m->model->info().latentDim != k)
            return fail(paths[i] + ": a scratch model for k=" + std::to_string(k) + " has latent size " +
                        std::to_string(m->model->info().latentDim));
        const double n = static_cast<double>(paths.size());
        auto metrics = evaluateModel(*m->model, data, batchSize, progress.sub(i / n, (i + 1) / n));
        if (!metrics) return fail(paths[i] + ": " + metrics.error().message);
        out.push_back(std::move(*metrics));
    }
    return out;
}

nlohmann::json deltasToJson(const PairedDeltas& d) {
    return {{"mse", toJson(d.mse)}, {"psnr", toJson(d.psnr)}, {"ssim", toJson(d.ssim)}};
}

}  // namespace pareto::cli
