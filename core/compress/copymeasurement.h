// SPDX-License-Identifier: Apache-2.0
#pragma once
// Many compressed copies of one model measured on the same images at once: what a sweep
// and the latent x bits grid are made of.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/metrics.h"
#include "model/model.h"
#include "quant/quantplan.h"
#include "quant/sizereport.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pareto {

/// @brief One compressed copy of a model, measured.
struct MeasuredCopy {
    SizeReport size;                    ///< real bytes of the stored payload
    std::vector<std::string> warnings;  ///< the quantizer's findings, as it words them
    PerImageMetrics perImage;           ///< the copy on every image, in order
};

/// Float32 weights of compressed copies held in memory at once by measureCopies(): a
/// TinyVAE's sweep holds every copy, a 1 GB model's one at a time.
inline constexpr int64_t kCopiesInMemoryBytes = int64_t(1) << 30;

/// Compresses `model` by each plan and measures every copy on `data`; with `modelPerImage`,
/// `model` itself as well (into it). Copies are made one per core at a time, then measured
/// together by evaluateModels(): each batch by every copy while it is in cache, on every
/// core, each batch single-threaded (the numbers do not depend on the thread count). Copies
/// go in groups whose float32 weights stay under kCopiesInMemoryBytes. Before a group's
/// copies are made, the calling thread reports `stage(plan)` for each of its plans in order
/// (a cancel there stops at that plan). Errors name the plan: `errorPrefix(plan)` + the
/// message. Cancellable per plan, per tensor and per batch.
Result<std::vector<MeasuredCopy>> measureCopies(const Model& model, const std::vector<QuantPlan>& plans, const Dataset& data,
                                                int batchSize, const ProgressSink& progress,
                                                const std::function<std::string(const QuantPlan&)>& stage,
                                                const std::function<std::string(const QuantPlan&)>& errorPrefix,
                                                PerImageMetrics* modelPerImage = nullptr);

}  // namespace pareto
