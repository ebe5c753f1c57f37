// SPDX-License-Identifier: Apache-2.0
#pragma once
// Held-out metrics that arrive while they are being measured: the studio shows the mean and
// its 95 % CI growing chunk by chunk instead of a frozen panel until the last image.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/evaluator.h"
#include "eval/metrics.h"
#include "model/model.h"

#include <cstdint>
#include <functional>

namespace pareto {

/// @brief The state of a streaming evaluation after one chunk.
///
/// Figures are over the first `done` images of the dataset (chunks go in order), so the
/// update with done == total equals what evaluateModel()/summarize() give for the whole set,
/// bit for bit.
struct StreamingUpdate {
    int64_t done = 0;                     ///< images measured so far
    int64_t total = 0;                    ///< images in the dataset
    const PerImageMetrics* perImage = nullptr;  ///< the first `done` images; valid during the callback only
    MetricSummary running;                ///< summarize() of those images (bootstrap CIs)
    bool hasDelta = false;                ///< a reference was given
    PairedDeltas deltaVsReference;        ///< this model - reference, paired over the first `done` images
};

/// Called on the evaluating thread after each chunk.
using StreamingCallback = std::function<void(const StreamingUpdate&)>;

/// @brief Evaluates `model` on `data` like evaluateModel() (same batches, same per-image
/// numbers), calling `onUpdate` after every `chunkImages` images (rounded up to whole batches)
/// and after the last one. `reference`, when given, must hold per-image metrics of another
/// model on exactly these images (e.g. the FP32 baseline): each update then carries the paired
/// delta over the images measured so far. Cancellable between batches (Error::cancelled());
/// fails like evaluateModel() and when `reference` has the wrong length.
Result<PerImageMetrics> evaluateStreaming(const Model& model, const Dataset& data, const StreamingCallback& onUpdate,
                                          const PerImageMetrics* reference = nullptr, int batchSize = 64,
                                          int64_t chunkImages = 128, const ProgressSink& progress = {});

}  // namespace pareto
