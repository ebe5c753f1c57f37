// SPDX-License-Identifier: Apache-2.0
#include "train/trainer.h"
#include "common/shapetext.h"

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

// The teacher's deterministic reconstruction, without autograd; undefined without a teacher.
at::Tensor teacherTargetFor(const Model* teacher, const at::Tensor& x) {
    if (!teacher) return {};
    return teacher->reconstruct(x).to(at::kFloat).detach();
}


// An independent copy of `weights` without autograd state.
StateDict detached(const StateDict& weights) {
    StateDict out;
    for (const auto& e : weights.entries()) out.set(e.name, e.tensor.detach().clone().requires_grad_(false));
    return out;
}

}  // namespace

Result<TrainResult> trainModel(const std::shared_ptr<const Model>& start, const Dataset& train, const Dataset& val,
                               const TrainConfig& config, const ProgressSink& progress, const Model* teacher) {
    if (!start) return fail("training: no model");
    if (!start->trainable()) return fail(start->describe() + " cannot be trained: " + start->notTrainableReason());
    if (train.size() == 0) return fail("training set is empty");
    if (val.size() == 0) return fail("validation set is empty");
    if (config.epochs < 1 || config.batchSize < 1) return fail("epochs and batch size must be positive");
    const ModelInfo info = start->info();
    if (train.shape() != info.inputShape || val.shape() != info.inputShape)
        return fail("training: the images are " + shapeDims(train.shape()) + ", the model takes " + shapeDims(info.inputShape) +
                    "; load the data in the model's input shape");
    if (teacher) {
        if (teacher->info().inputShape != info.inputShape) return fail("the teacher's input shape does not match the training images");
        if (!(config.teacherWeight >= 0.0 && config.teacherWeight <= 1.0))
            return fail("teacher weight must be in [0, 1], got " + std::to_string(config.teacherWeight));
    }

    // Trainable copies: the model under training computes with these tensors, the optimiser
    // updates the parameters among them (buffers are the objective's to update).
    StateDict trainable;
    std::vector<at::Tensor> params;
    for (const auto& t : start->tensors()) {
        at::Tensor copy = t.tensor.detach().to(at::kFloat).clone(at::MemoryFormat::Contiguous);
        if (!t.buffer) {
            copy.requires_grad_(true);
            params.push_back(copy);
        }
        trainable.set(t.name, copy);
    }
    auto built = start->withWeights(trainable);
    if (!built) return fail("training: " + built.error().message);
    const std::shared_ptr<const Model> model = *built;
    torch::optim::Adam optimizer(params, torch::optim::AdamOptions(config.learningRate));
    at::Generator gen = at::detail::createCPUGenerator(config.seed ^ 0xA5A5A5A5ull);

    const int64_t n = train.size();
    const int64_t batches = (n + config.batchSize - 1) / config.batchSize;
    TrainResult result;
    result.model = start;
    StateDict best = detached(trainable);
    double bestVal = std::numeric_limits<double>::infinity();
    int sinceBest = 0;
    double trainSeconds = 0;

    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        const auto t0 = Clock::now();
        const at::Tensor perm = at::randperm(n, gen, at::kLong);
        double lossSum = 0;
        for (int64_t b = 0; b < batches; ++b) {
            const int64_t lo = b * config.batchSize, hi = std::min(n, lo + config.batchSize);
            const at::Tensor x = train.select(perm.slice(0, lo, hi));
            TrainingOptions o;
            o.beta = config.beta;
            o.sample = true;
            o.generator = &gen;
            o.teacherTarget = teacherTargetFor(teacher, x);
            o.teacherWeight = config.teacherWeight;
            optimizer.zero_grad();
            auto lp = model->trainingLoss(x, o);
            if (!lp) return lp.error();
            lp->loss.backward();
            optimizer.step();
            lossSum += lp->loss.item<double>() * static_cast<double>(hi - lo);
            char stage[96];
            std::snprintf(stage, sizeof stage, "epoch %d/%d, batch %lld/%lld", epoch, config.epochs, static_cast<long long>(b + 1),
                          static_cast<long long>(batches));
            if (!progress.update((epoch - 1 + double(b + 1) / double(batches)) / config.epochs, stage)) return Error::cancelled();
        }
        const double epochSeconds = secondsSince(t0);
        trainSeconds += epochSeconds;

        // Validation: deterministic (z = mu), no autograd.
        double valLoss = 0, valMse = 0;
        {
            at::NoGradGuard noGrad;
            const int64_t nv = val.size();
            for (int64_t lo = 0; lo < nv; lo += config.batchSize) {
                const at::Tensor x = val.batch(lo, std::min(nv, lo + config.batchSize) - lo);
                TrainingOptions o;
                o.beta = config.beta;
                o.sample = false;
                o.teacherTarget = teacherTargetFor(teacher, x);
                o.teacherWeight = config.teacherWeight;
                auto lp = model->trainingLoss(x, o);
                if (!lp) return lp.error();
                valLoss += lp->loss.item<double>() * static_cast<double>(x.size(0));
                valMse += (lp->sse / static_cast<double>(x[0].numel())).sum().item<double>();
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
            best = detached(trainable);
        } else if (config.patience > 0 && ++sinceBest >= config.patience) {
            result.stoppedEarly = epoch < config.epochs;
            break;
        }
    }
    result.secondsPerEpoch = trainSeconds / static_cast<double>(result.history.size());
    // The best weights, without autograd state, as a model of their own.
    auto bestModel = start->withWeights(best);
    if (!bestModel) return fail("training: " + bestModel.error().message);
    result.model = *bestModel;
    return result;
}

}  // namespace pareto
