// SPDX-License-Identifier: Apache-2.0
#pragma once
// A student at a smaller latent, started from the PCA fold of its teacher and fine-tuned
// against the teacher's reconstructions and the data.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "latent/latentstatistics.h"
#include "latent/pcaprojection.h"
#include "model/model.h"
#include "train/trainer.h"

#include <cstdint>
#include <string>

namespace pareto {

/// @brief How a student is fine-tuned.
///
/// Loss per image (trainModel with a teacher; TinyVAE's objective): (1 - w) * SSE(x_hat, x) + w * SSE(x_hat,
/// teacher.decode(teacher.mu(x))) + beta * KL(q(z'|x) || N(0, I)), SSE summed over pixels,
/// x_hat decoded from a sampled z' as in ordinary VAE training, averaged over the batch;
/// w = teacherWeight. Default w = 0.5: the teacher's output is a smooth target the student
/// can match at a smaller latent, the data keeps it honest where the teacher is wrong.
/// Early stopping on the validation value of the same loss (z' = mu').
struct DistillConfig {
    int epochs = 3;
    int batchSize = 64;
    double learningRate = 5e-4;    ///< half the from-scratch rate: it starts from a good point
    double beta = 1.0;
    double teacherWeight = 0.5;
    uint64_t seed = 1;
    int patience = 2;

    TrainConfig trainConfig(int64_t k) const;
};

/// @brief The student and the fold it started from.
struct DistillResult {
    PcaProjection projection;
    std::shared_ptr<const Model> pcaInit;  ///< the PCA fold at k (the starting point, also a baseline)
    TrainResult training;                  ///< training.model is the student (best validation epoch)
    std::string trainData;                 ///< Dataset::identity of the fine-tuning images
    const std::shared_ptr<const Model>& student() const { return training.model; }
};

/// Whether `teacher` can be distilled (its latent folds into the weights and it trains), and
/// why not ("" when it can).
std::string whyNoDistillation(const Model& teacher);

/// Folds `stats` (the teacher's latent statistics, collected on training images) at k and
/// fine-tunes that on `train` (early stopping on `val`) against the teacher. Cancellable per
/// batch. Errors: k outside [1, L], statistics of another model, bad data.
Result<DistillResult> distillStudent(const std::shared_ptr<const Model>& teacher, const LatentStatistics& stats, int64_t k, const Dataset& train,
                                     const Dataset& val, const DistillConfig& config = {}, const ProgressSink& progress = {});

}  // namespace pareto
