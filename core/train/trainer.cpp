#include "train/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adam.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pareto {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct LossParts {
    at::Tensor loss;  // scalar, mean over the batch
    at::Tensor sse;   // [N] sum of squared errors per image
};

// `teacherTarget` (defined only when distilling) is the teacher's reconstruction of x.
LossParts vaeLoss(const TinyVae& model, const at::Tensor& x, double beta, at::Generator* gen,
                  const at::Tensor& teacherTarget = {}, double teacherWeight = 0.0) {
    auto [mu, logvar] = model.encode(x);
    at::Tensor z = mu;
    if (gen) z = mu + at::randn(mu.sizes(), *gen, mu.options()) * at::exp(0.5 * logvar);
    const at::Tensor recon = model.decode(z);
    const at::Tensor sse = (recon - x).pow(2).flatten(1).sum(1);
    const at::Tensor kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1);
    if (!teacherTarget.defined()) return {(sse + beta * kl).mean(), sse};
    const at::Tensor sseTeacher = (recon - teacherTarget).pow(2).flatten(1).sum(1);
    return {((1.0 - teacherWeight) * sse + teacherWeight * sseTeacher + beta * kl).mean(), sse};
}

// The teacher's deterministic reconstruction, without autograd; undefined without a teacher.
at::Tensor teacherTargetFor(const VaeModel* teacher, const at::Tensor& x) {
    if (!teacher) return {};
    return teacher->reconstruct(x).to(at::kFloat).detach();
}

}  // namespace

Result<TrainResult> trainTinyVae(const Dataset& train, const Dataset& val, const TrainConfig& config,
                                 const ProgressSink& progress, const std::optional<TinyVae>& init,
                                 const VaeModel* teacher) {
    if (train.size() == 0) return fail("training set is empty");
    if (val.size() == 0) return fail("validation set is empty");
    if (config.epochs < 1 || config.batchSize < 1) return fail("epochs and batch size must be positive");
    const int64_t channels = train.images.size(1);
    if (train.images.size(2) != TinyVaeConfig::kImageSize || train.images.size(3) != TinyVaeConfig::kImageSize)
        return fail("TinyVAE trains on 64x64 images; load the data with a 64x64 target");

    TinyVaeConfig mc{channels, config.latentDim};
    TinyVae start = init ? *init : TinyVae::randomInit(mc, config.seed);
    if (!(start.config() == mc)) return fail("initial weights do not match the data's channels or the latent size");
    if (teacher) {
        const ModelInfo ti = teacher->info();
        const std::vector<int64_t> want{channels, TinyVaeConfig::kImageSize, TinyVaeConfig::kImageSize};
        if (ti.inputShape != want) return fail("the teacher's input shape does not match the training images");
        if (!(config.teacherWeight >= 0.0 && config.teacherWeight <= 1.0))
            return fail("teacher weight must be in [0, 1], got " + std::to_string(config.teacherWeight));
    }

    // Trainable copies: the model under training shares these tensors with the optimiser.
    StateDict trainable = start.weights().deepClone();
    std::vector<at::Tensor> params;
    for (const auto& e : trainable.entries()) {
        e.tensor.requires_grad_(true);
        params.push_back(e.tensor);
    }
    const TinyVae model(mc, trainable);
    torch::optim::Adam optimizer(params, torch::optim::AdamOptions(config.learningRate));
    at::Generator gen = at::detail::createCPUGenerator(config.seed ^ 0xA5A5A5A5ull);

    const int64_t n = train.size();
    const int64_t batches = (n + config.batchSize - 1) / config.batchSize;
    TrainResult result{start, {}, 0, false, 0};
    double bestVal = std::numeric_limits<double>::infinity();
    int sinceBest = 0;
    double trainSeconds = 0;

    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        const auto t0 = Clock::now();
        const at::Tensor perm = at::randperm(n, gen, at::kLong);
        double lossSum = 0;
        for (int64_t b = 0; b < batches; ++b) {
            const int64_t lo = b * config.batchSize, hi = std::min(n, lo + config.batchSize);
            const at::Tensor x = train.images.index_select(0, perm.slice(0, lo, hi));
            const at::Tensor target = teacherTargetFor(teacher, x);
            optimizer.zero_grad();
            LossParts lp = vaeLoss(model, x, config.beta, &gen, target, config.teacherWeight);
            lp.loss.backward();
            optimizer.step();
            lossSum += lp.loss.item<double>() * static_cast<double>(hi - lo);
            char stage[96];
            std::snprintf(stage, sizeof stage, "epoch %d/%d, batch %lld/%lld", epoch, config.epochs,
                          static_cast<long long>(b + 1), static_cast<long long>(batches));
            if (!progress.update((epoch - 1 + double(b + 1) / double(batches)) / config.epochs, stage))
                return Error::cancelled();
        }
        const double epochSeconds = secondsSince(t0);
        trainSeconds += epochSeconds;

        // Validation: deterministic (z = mu), no autograd.
        double valLoss = 0, valMse = 0;
        {
            at::NoGradGuard noGrad;
            const int64_t nv = val.size();
            for (int64_t lo = 0; lo < nv; lo += config.batchSize) {
                const at::Tensor x = val.images.slice(0, lo, std::min(nv, lo + config.batchSize));
                LossParts lp = vaeLoss(model, x, config.beta, nullptr, teacherTargetFor(teacher, x), config.teacherWeight);
                valLoss += lp.loss.item<double>() * static_cast<double>(x.size(0));
                valMse += (lp.sse / static_cast<double>(x[0].numel())).sum().item<double>();
            }
            valLoss /= static_cast<double>(nv);
            valMse /= static_cast<double>(nv);
        }
        if (!std::isfinite(valLoss)) return fail("training diverged at epoch " + std::to_string(epoch) + " (validation loss is not finite)");
        result.history.push_back({epoch, lossSum / static_cast<double>(n), valLoss, valMse, epochSeconds});

        if (valLoss < bestVal) {
            bestVal = valLoss;
            sinceBest = 0;
            result.bestEpoch = epoch;
            at::NoGradGuard noGrad;
            result.model = TinyVae(mc, trainable.deepClone());
        } else if (config.patience > 0 && ++sinceBest >= config.patience) {
            result.stoppedEarly = epoch < config.epochs;
            break;
        }
    }
    result.secondsPerEpoch = trainSeconds / static_cast<double>(result.history.size());
    // The best weights must not carry autograd state into evaluation or export.
    StateDict clean;
    for (const auto& e : result.model.weights().entries()) clean.set(e.name, e.tensor.detach().requires_grad_(false));
    result.model = TinyVae(mc, clean);
    return result;
}

}  // namespace pareto
