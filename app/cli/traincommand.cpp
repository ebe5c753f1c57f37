// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "common/threads.h"
#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "io/safetensors.h"
#include "model/modelregistry.h"
#include "train/trainer.h"

#include <cstdio>
#include <sstream>

namespace pareto::cli {

static const char* kTrainHelp =
    "usage: pareto train --data SPEC --out FILE [--arch A] [--latent L] [--channels C] [--epochs N]\n"
    "                    [--batch-size N] [--lr X] [--beta X] [--seed N] [--patience N]\n"
    "                    [--limit N] [--val-limit N] [--test-limit N] [--json] [--quiet]\n"
    "\n"
    "Trains a built-in architecture with Adam by its own objective (TinyVAE: summed squared\n"
    "error + beta * KL per image; VisionPuzzleVAE: MSE in [-1, 1] + codebook + 0.25 x\n"
    "commitment, straight-through, BatchNorm on batch statistics), early stopping on the\n"
    "validation split, fixed seed. The images are loaded in the architecture's input shape.\n"
    "Then measures the best epoch on the held-out test split beside the mean-image baseline and\n"
    "writes the weights as safetensors (the architecture's own names) with the command and\n"
    "numbers in its metadata.\n"
    "\n"
    "  --arch A         built-in architecture: tinyvae (default) or visionpuzzlevae\n"
    "  --latent L       latent size (default 16; a VisionPuzzleVAE's code width)\n"
    "  --channels C     model input channels (default: the data's; a VisionPuzzleVAE is always RGB)\n"
    "  --epochs N       at most N epochs (default 20); --patience N (default 3)\n"
    "  --batch-size N   default 64; --lr X default 1e-3; --beta X default 1.0; --seed N default 1\n"
    "  --limit N        first N training images; --val-limit / --test-limit likewise\n";

int runTrain(const std::vector<std::string>& argv) {
    Args args(argv,
              {"data", "out", "arch", "latent", "channels", "epochs", "batch-size", "lr", "beta", "seed", "patience", "limit",
               "val-limit", "test-limit"},
              {"json", "quiet", "help"});
    if (args.flag("help")) {
        std::fputs(kTrainHelp, stdout);
        return kExitOk;
    }
    TrainConfig tc;
    tc.latentDim = args.intOr("latent", 16);
    tc.epochs = static_cast<int>(args.intOr("epochs", tc.epochs));
    tc.batchSize = static_cast<int>(args.intOr("batch-size", tc.batchSize));
    tc.learningRate = args.doubleOr("lr", tc.learningRate);
    tc.beta = args.doubleOr("beta", tc.beta);
    tc.seed = static_cast<uint64_t>(args.intOr("seed", static_cast<long long>(tc.seed)));
    tc.patience = static_cast<int>(args.intOr("patience", tc.patience));
    const int channels = static_cast<int>(args.intOr("channels", 0));
    const long long limit = args.intOr("limit", -1), valLimit = args.intOr("val-limit", -1), testLimit = args.intOr("test-limit", -1);
    if (!args.ok() || !args.value("data") || !args.value("out") || !args.positional().empty() || tc.latentDim < 1) {
        const std::string why = !args.ok() ? args.error() : !args.value("data") ? "--data is required" : !args.value("out") ? "--out is required" : !args.positional().empty() ? "unexpected argument '" + args.positional()[0] + "'" : "--latent must be positive";
        std::fprintf(stderr, "pareto train: %s\n%s", why.c_str(), kTrainHelp);
        return kExitUsage;
    }
    auto spec = parseDataSpec(*args.value("data"));
    if (!spec) return reportError(spec.error());

    const std::string archName = args.valueOr("arch", "tinyvae");
    const Architecture* arch = findArchitecture(archName);
    if (!arch) {
        std::string names;
        for (const auto& a : architectures()) names += (names.empty() ? "" : ", ") + a.name;
        std::fprintf(stderr, "pareto train: unknown --arch '%s' (built in: %s)\n", archName.c_str(), names.c_str());
        return kExitUsage;
    }
    // Without --channels the model takes the data's own (gray 1, colour 3).
    int64_t modelChannels = channels;
    if (modelChannels == 0) {
        auto native = nativeImageShape(*spec);
        if (!native) return reportError(native.error());
        modelChannels = (*native)[0] >= 3 ? 3 : 1;
    }
    auto start = arch->create({modelChannels, tc.latentDim, tc.seed});
    if (!start) return reportError(fail(archName + ": " + start.error().message));
    const ModelInfo startInfo = (*start)->info();

    const ProgressSink progress = stderrProgress(args.flag("quiet"));
    auto data = loadTrainingData(*spec, startInfo.inputShape, limit, valLimit, progress.sub(0, 0.07));
    if (!data) return reportError(data.error());
    const Dataset* train = &data->train;
    const Dataset* val = &data->val;
    DatasetLoadOptions opts = data->options;

    std::fprintf(stderr, "training %s on %lld images (val %lld), BLAS: %s\n", (*start)->describe().c_str(),
                 static_cast<long long>(train->size()), static_cast<long long>(val->size()), blasBackendName());
    auto result = trainModel(*start, *train, *val, tc, progress.sub(0.07, 0.95));
    if (!result) return reportError(result.error());

    opts.split = std::nullopt;  // the held-out default: the official test file
    opts.limit = testLimit;
    auto ev = evaluateOnData(*result->model, *spec, opts, 64, progress.sub(0.95, 1.0));
    if (!ev) return reportError(ev.error());

    std::ostringstream cmd;
    cmd << "pareto train";
    for (const auto& a : argv) cmd << ' ' << a;
    const auto fmt = [](double x) { std::ostringstream o; o.precision(6); o << x; return o.str(); };
    std::map<std::string, std::string> meta{
        {"format", "pt"},
        {"pareto.arch", archName},
        {"pareto.channels", std::to_string(startInfo.inputShape.empty() ? modelChannels : startInfo.inputShape[0])},
        {"pareto.latent_dim", std::to_string(tc.latentDim)},
        {"pareto.seed", std::to_string(tc.seed)},
        {"pareto.command", cmd.str()},
        {"pareto.train_data", train->identity},
        {"pareto.best_epoch", std::to_string(result->bestEpoch)},
        {"pareto.seconds_per_epoch", fmt(result->secondsPerEpoch)},
        {"pareto.test_data", ev->dataIdentity},
        {"pareto.test_mse", fmt(ev->summary.mse.mean)},
        {"pareto.test_mse_ci95", fmt(ev->summary.mse.lo) + "," + fmt(ev->summary.mse.hi)},
        {"pareto.baseline_mean_image_mse", fmt(ev->baselineSummary.mse.mean)},
    };
    if (auto st = writeSafetensors(*args.value("out"), modelWeights(*result->model), meta); !st) return reportError(st.error());

    if (args.flag("json")) {
        nlohmann::json hist = nlohmann::json::array();
        for (const auto& h : result->history)
            hist.push_back({{"epoch", h.epoch}, {"train_loss", h.trainLoss}, {"val_loss", h.valLoss}, {"val_mse", h.valMse}, {"seconds", h.seconds}});
        nlohmann::json baseline = toJson(ev->baselineSummary);
        baseline["source"] = ev->baselineSource;
        printJson({{"out", *args.value("out")},
                   {"best_epoch", result->bestEpoch},
                   {"stopped_early", result->stoppedEarly},
                   {"seconds_per_epoch", result->secondsPerEpoch},
                   {"history", hist},
                   {"test", {{"n", ev->n()}, {"data", ev->dataIdentity}, {"mse", toJson(ev->summary.mse)}, {"psnr", toJson(ev->summary.psnr)}, {"ssim", toJson(ev->summary.ssim)}}},
                   {"baseline_mean_image", baseline},
                   {"untrained_warning", ev->untrained.warning},
                   {"untrained_reason", ev->untrained.reason}});
        return kExitOk;
    }
    std::printf("%-6s %-12s %-12s %-12s %s\n", "epoch", "train loss", "val loss", "val MSE", "seconds");
    for (const auto& h : result->history)
        std::printf("%-6d %-12.4f %-12.4f %-12.6f %.1f\n", h.epoch, h.trainLoss, h.valLoss, h.valMse, h.seconds);
    std::printf("\nbest epoch %d%s; %.1f s per epoch\n", result->bestEpoch, result->stoppedEarly ? " (stopped early)" : "", result->secondsPerEpoch);
    std::printf("held-out  %s, n=%lld\n", ev->dataIdentity.c_str(), static_cast<long long>(ev->n()));
    std::printf("MSE       %s   mean-image baseline %s\n", formatEstimate(ev->summary.mse).c_str(), formatEstimate(ev->baselineSummary.mse).c_str());
    std::printf("PSNR (dB) %s\nSSIM      %s\n", formatEstimate(ev->summary.psnr).c_str(), formatEstimate(ev->summary.ssim).c_str());
    std::printf("wrote     %s\n", args.value("out")->c_str());
    return kExitOk;
}

}  // namespace pareto::cli
