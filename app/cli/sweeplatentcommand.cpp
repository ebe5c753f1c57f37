// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"
#include "latentoptions.h"

#include "common/threads.h"
#include "data/datasetloader.h"
#include "latent/latentsweep.h"
#include "model/modelregistry.h"

#include <cstdio>

namespace pareto::cli {
namespace {

const char* kSweepLatentHelp =
    "usage: pareto sweep-latent --data SPEC --latents 4,8,16,32,64 [--seeds N] [--first-seed S]\n"
    "                           [--cache DIR] [--epochs N] [--patience N] [--batch-size N]\n"
    "                           [--lr X] [--beta X] [--channels C] [--limit N] [--val-limit N]\n"
    "                           [--test-limit N] [--json] [--quiet]\n"
    "\n"
    "Trains a SAGE TinyVAE at each latent size with N seeds (pareto train's trainer: Adam,\n"
    "summed squared error + beta * KL, early stopping on the validation split), measures\n"
    "every run on the held-out test split beside the mean image, and reports per latent\n"
    "size the mean over seeds with a Student-t 95 % CI (n = seeds).\n"
    "\n"
    "Every finished run is stored in the cache folder (model + JSON record, written\n"
    "atomically), keyed by a SHA-256 of the training and validation pixels, the\n"
    "architecture, the hyperparameters and the seed: run the same command again after an\n"
    "interruption (Ctrl-C) or a crash and only the unfinished runs are trained. The cache\n"
    "folder is also a catalog (`pareto catalog DIR`).\n"
    "\n"
    "  --data SPEC     fashion-mnist[:DIR] | cifar10:DIR | folder:DIR (with its split)\n"
    "  --latents LIST  comma-separated latent sizes (required)\n"
    "  --seeds N       seeds per latent size (default 3): S, S+1, ... with --first-seed S (1)\n"
    "  --cache DIR     default $XDG_CACHE_HOME/pareto-studio/latent-sweep (~/.cache/...)\n"
    "  --epochs N      at most N epochs per run (default 12); --patience N (default 3)\n"
    "  --batch-size N  default 64; --lr X default 1e-3; --beta X default 1\n"
    "  --arch A        built-in architecture trained at each size (default tinyvae)\n"
    "  --channels C    model input channels (default: the data's)\n"
    "  --limit N       first N training images; --val-limit N (default 2000);\n"
    "                  --test-limit N (default all of the test split)\n"
    "  --json          machine-readable output (keys in the README)\n"
    "  --quiet         no progress on stderr\n";

nlohmann::json estimateJson(const Estimate& e) {
    nlohmann::json j = toJson(e);
    j["n"] = e.n;
    return j;
}

}  // namespace

int runSweepLatent(const std::vector<std::string>& argv) {
    Args args(argv,
              {"data", "arch", "latents", "seeds", "first-seed", "cache", "epochs", "patience", "batch-size", "lr", "beta", "channels",
               "limit", "val-limit", "test-limit"},
              {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::fputs(kSweepLatentHelp, stdout);
        return kExitOk;
    }
    LatentSweepConfig config;
    config.seeds = static_cast<int>(args.intOr("seeds", 3));
    config.firstSeed = static_cast<uint64_t>(args.intOr("first-seed", 1));
    config.train.epochs = static_cast<int>(args.intOr("epochs", config.train.epochs));
    config.train.patience = static_cast<int>(args.intOr("patience", config.train.patience));
    config.train.batchSize = static_cast<int>(args.intOr("batch-size", config.train.batchSize));
    config.train.learningRate = args.doubleOr("lr", config.train.learningRate);
    config.train.beta = args.doubleOr("beta", config.train.beta);
    config.cacheDir = args.valueOr("cache", defaultLatentCacheDir());
    const int channels = static_cast<int>(args.intOr("channels", 0));
    const long long limit = args.intOr("limit", -1), valLimit = args.intOr("val-limit", 2000), testLimit = args.intOr("test-limit", -1);
    std::string why;
    if (!args.ok()) why = args.error();
    else if (!args.positional().empty()) why = "unexpected argument '" + args.positional()[0] + "'";
    else if (!args.value("data")) why = "--data is required";
    else if (!args.value("latents")) why = "--latents is required";
    else if (config.seeds < 1) why = "--seeds must be positive";
    else if (config.train.epochs < 1 || config.train.batchSize < 1) why = "--epochs and --batch-size must be positive";
    std::vector<int64_t> latents;
    if (why.empty()) {
        auto l = parseLatentList(*args.value("latents"));
        if (!l) why = "--latents: " + l.error().message;
        else latents = *l;
    }
    if (!why.empty()) {
        std::fprintf(stderr, "pareto sweep-latent: %s\n%s", why.c_str(), kSweepLatentHelp);
        return kExitUsage;
    }
    config.latents = latents;
    auto spec = parseDataSpec(*args.value("data"));
    if (!spec) return reportError(spec.error());

    config.arch = args.valueOr("arch", "tinyvae");
    const Architecture* arch = findArchitecture(config.arch);
    if (!arch) {
        std::fprintf(stderr, "pareto sweep-latent: unknown --arch '%s'\n%s", config.arch.c_str(), kSweepLatentHelp);
        return kExitUsage;
    }
    int64_t modelChannels = channels;
    if (modelChannels == 0) {
        auto native = nativeImageShape(*spec);
        if (!native) return reportError(native.error());
        modelChannels = (*native)[0] >= 3 ? 3 : 1;
    }
    auto probe = arch->create({modelChannels, latents.front(), config.firstSeed});
    if (!probe) return reportError(fail(config.arch + ": " + probe.error().message));

    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto data = loadTrainingData(*spec, (*probe)->info().inputShape, limit, valLimit, progress.sub(0, 0.015));
    if (!data) return reportError(data.error());
    const Dataset* train = &data->train;
    const Dataset* val = &data->val;
    DatasetLoadOptions opts = data->options;
    opts.split = Split::Test;
    opts.limit = testLimit;
    auto test = loadDataset(*spec, opts, progress.sub(0.015, 0.02));
    if (!test) return reportError(test.error());
    opts.limit = -1;
    auto mean = loadMeanImage(*spec, opts, progress.sub(0.02, 0.025));
    if (!mean) return reportError(mean.error());

    std::fprintf(stderr, "latent sweep: L in {%s}, %d seeds, %lld training / %lld validation / %lld test images, cache %s, BLAS: %s\n",
                 args.value("latents")->c_str(), config.seeds, static_cast<long long>(train->size()),
                 static_cast<long long>(val->size()), static_cast<long long>(test->size()), config.cacheDir.c_str(),
                 blasBackendName());
    auto sweep = sweepLatents(*train, *val, *test, *mean, config, progress.sub(0.025, 1.0));
    if (!sweep) {
        if (sweep.error().isCancelled())
            std::fprintf(stderr, "pareto: finished runs are kept in %s; run the same command to resume\n", config.cacheDir.c_str());
        return reportError(sweep.error());
    }
    for (const auto& w : sweep->warnings) std::fprintf(stderr, "pareto: warning: %s\n", w.c_str());

    if (args.flag("json")) {
        nlohmann::json rows = nlohmann::json::array(), runs = nlohmann::json::array();
        for (const auto& r : sweep->rows)
            rows.push_back({{"latent_dim", r.latentDim}, {"params", r.params}, {"fp32_bytes", 4 * r.params}, {"seeds", r.seeds},
                            {"seed_mse", r.seedMse}, {"mse", estimateJson(r.mse)}, {"psnr", estimateJson(r.psnr)},
                            {"ssim", estimateJson(r.ssim)}, {"untrained_runs", r.untrainedRuns}});
        for (const auto& r : sweep->runs)
            runs.push_back({{"latent_dim", r.latentDim}, {"seed", r.seed}, {"key", r.key}, {"cached", r.fromCache},
                            {"model", r.modelPath}, {"best_epoch", r.bestEpoch}, {"epochs_run", r.epochsRun},
                            {"stopped_early", r.stoppedEarly}, {"seconds_per_epoch", r.secondsPerEpoch},
                            {"test", toJson(r.testMetrics)}, {"untrained_warning", r.untrainedWarning}});
        nlohmann::json baseline = toJson(sweep->baselineMeanImage);
        baseline["source"] = sweep->baselineSource;
        printJson({{"data", {{"train", train->identity}, {"val", val->identity}, {"test", test->identity}, {"notes", train->notes}}},
                   {"n_test", test->size()},
                   {"cache", config.cacheDir},
                   {"trained", sweep->trained},
                   {"loaded", sweep->loaded},
                   {"seeds", config.seeds},
                   {"hyperparameters", {{"epochs", config.train.epochs}, {"patience", config.train.patience},
                                        {"batch_size", config.train.batchSize}, {"lr", config.train.learningRate},
                                        {"beta", config.train.beta}}},
                   {"rows", rows},
                   {"runs", runs},
                   {"baseline_mean_image", baseline},
                   {"seconds", sweep->seconds}});
        return kExitOk;
    }
    std::printf("train     %s\nval       %s\ntest      %s (held out)\n", train->identity.c_str(), val->identity.c_str(),
                test->identity.c_str());
    for (const auto& n : train->notes) std::printf("          %s\n", n.c_str());
    std::printf("runs      %d trained now, %d from the cache (%s)\n", sweep->trained, sweep->loaded, config.cacheDir.c_str());
    std::printf("per latent size: mean over seeds ± Student-t 95 %% CI (n = seeds); per-seed test MSEs\n\n");
    std::printf("  %-4s %9s %5s  %-26s %-22s %-22s %s\n", "L", "params", "seeds", "MSE", "PSNR (dB)", "SSIM", "seed MSEs");
    for (const auto& r : sweep->rows) {
        char mse[64], psnr[64], ssim[64];
        std::snprintf(mse, sizeof mse, "%.5f ± %.5f", r.mse.mean, r.mse.hi - r.mse.mean);
        std::snprintf(psnr, sizeof psnr, "%.2f ± %.2f", r.psnr.mean, r.psnr.hi - r.psnr.mean);
        std::snprintf(ssim, sizeof ssim, "%.4f ± %.4f", r.ssim.mean, r.ssim.hi - r.ssim.mean);
        std::string seeds;
        for (double m : r.seedMse) {
            char one[32];
            std::snprintf(one, sizeof one, "%s%.5f", seeds.empty() ? "" : " ", m);
            seeds += one;
        }
        std::printf("  %-4lld %9lld %5zu  %-26s %-22s %-22s %s%s\n", static_cast<long long>(r.latentDim), static_cast<long long>(r.params),
                    r.seeds.size(), mse, psnr, ssim, seeds.c_str(), r.untrainedRuns ? "  (untrained-looking runs!)" : "");
    }
    std::printf("\nmean image MSE %s (%s)\n", formatEstimate(sweep->baselineMeanImage.mse).c_str(), sweep->baselineSource.c_str());
    if (config.seeds < 2) std::printf("note      one seed per latent size: no interval over seeds (use --seeds 2 or more)\n");
    return kExitOk;
}

}  // namespace pareto::cli
