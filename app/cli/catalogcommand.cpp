// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"
#include "latentoptions.h"

#include "latent/latentcatalog.h"

#include <cstdio>

namespace pareto::cli {
namespace {

const char* kCatalogHelp =
    "usage: pareto catalog [DIR|FILE ...] [--method M] [--json]\n"
    "\n"
    "Lists trained checkpoints of the built-in architectures (safetensors) by latent size\n"
    "and seed, read from their metadata only (no weights are loaded): what the latent\n"
    "slider can show without training. Per latent size, the stored held-out test MSEs are\n"
    "averaged over seeds with a Student-t 95 % CI (n = seeds). Without arguments: the\n"
    "demo's catalog (resources/demo/latent plus the main demo model). A folder of `pareto\n"
    "sweep-latent` runs (its --cache) is a catalog too. Files that are not such checkpoints\n"
    "are skipped with a warning.\n"
    "\n"
    "  DIR|FILE   folders (their *.safetensors) or single checkpoints; 'demo': the demo's catalog\n"
    "  --method M trained (default) | pca | distill: which kind of checkpoint to group\n"
    "  --json     machine-readable output (keys in the README)\n";

std::string optionalNumber(const std::optional<double>& v) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5f", *v);
    return buf;
}

}  // namespace

int runCatalog(const std::vector<std::string>& argv) {
    Args args(argv, {"method"}, {"json", "help", "quiet"});
    if (args.flag("help")) {
        std::fputs(kCatalogHelp, stdout);
        return kExitOk;
    }
    if (!args.ok()) {
        std::fprintf(stderr, "pareto catalog: %s\n%s", args.error().c_str(), kCatalogHelp);
        return kExitUsage;
    }
    const std::string method = args.valueOr("method", "trained");
    std::vector<std::string> sources = args.positional();
    if (sources.empty()) sources.push_back("demo");
    LatentCatalog catalog;
    std::vector<std::string> warnings;
    for (const auto& s : sources) {
        const LatentCatalog part = catalogFromArg(s);
        for (const auto& e : part.entries())
            if (Status st = catalog.addFile(e.path); !st) warnings.push_back(st.error().message);
        warnings.insert(warnings.end(), part.warnings().begin(), part.warnings().end());
    }
    const auto groups = catalog.groups(method);
    for (const auto& g : groups) warnings.insert(warnings.end(), g.warnings.begin(), g.warnings.end());
    for (const auto& w : warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());

    if (args.flag("json")) {
        nlohmann::json gs = nlohmann::json::array();
        for (const auto& g : groups) {
            nlohmann::json entries = nlohmann::json::array();
            std::vector<nlohmann::json> seeds;
            for (const auto& e : g.entries) {
                const auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
                entries.push_back({{"path", e.path}, {"seed", opt(e.seed)}, {"seed_source", e.seedSource}, {"channels", e.channels},
                                   {"test_mse", opt(e.testMse)},
                                   {"test_mse_ci95", e.testMseCi ? nlohmann::json({e.testMseCi->first, e.testMseCi->second}) : nlohmann::json(nullptr)},
                                   {"test_data", e.testData}, {"train_data", e.trainData}, {"best_epoch", e.bestEpoch},
                                   {"seconds_per_epoch", e.secondsPerEpoch}, {"command", e.command}, {"log", e.logPath}});
                seeds.push_back(opt(e.seed));
            }
            nlohmann::json mse = g.testMse.n > 0 ? toJson(g.testMse) : nlohmann::json(nullptr);
            if (g.testMse.n > 0) mse["n"] = g.testMse.n;
            gs.push_back({{"latent_dim", g.latentDim}, {"params", g.params}, {"fp32_bytes", 4 * g.params}, {"seeds", seeds},
                          {"test_mse", mse}, {"entries", entries}, {"warnings", g.warnings}});
        }
        printJson({{"sources", sources}, {"method", method}, {"latents", catalog.latents(method)}, {"groups", gs}, {"warnings", warnings}});
        return kExitOk;
    }
    if (groups.empty()) {
        std::printf("no %s checkpoints found in %zu source(s)\n", method.c_str(), sources.size());
        return kExitOk;
    }
    std::printf("%s checkpoints by latent size; test MSE: mean over seeds ± Student-t 95 %% CI (n = seeds)\n\n", method.c_str());
    std::printf("  %-4s %9s  %-10s %-24s %s\n", "L", "params", "seeds", "test MSE", "files (seed: test MSE)");
    for (const auto& g : groups) {
        std::string seeds, files;
        for (const auto& e : g.entries) {
            seeds += (seeds.empty() ? "" : ",") + (e.seed ? std::to_string(*e.seed) : std::string("?"));
            files += "\n         " + (e.seed ? std::to_string(*e.seed) : std::string("?")) + ": " + optionalNumber(e.testMse) + "  " + e.path;
        }
        char mse[64];
        if (g.testMse.n == 0) std::snprintf(mse, sizeof mse, "-");
        else if (g.testMse.n == 1) std::snprintf(mse, sizeof mse, "%.5f (1 seed)", g.testMse.mean);
        else std::snprintf(mse, sizeof mse, "%.5f ± %.5f", g.testMse.mean, g.testMse.hi - g.testMse.mean);
        std::printf("  %-4lld %9lld  %-10s %-24s%s\n\n", static_cast<long long>(g.latentDim), static_cast<long long>(g.params), seeds.c_str(),
                    mse, files.c_str());
    }
    return kExitOk;
}

}  // namespace pareto::cli
