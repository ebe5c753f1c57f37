// SPDX-License-Identifier: Apache-2.0
#pragma once
// One sweep row at a time against an FP32 baseline measured once: the pieces sweepSchemes()
// is made of, for callers that want rows as they come (the studio streams them to its chart
// and keeps the rows measured before a cancel).

#include "common/progress.h"
#include "common/result.h"
#include "compress/schemesweep.h"
#include "data/dataset.h"
#include "eval/metrics.h"
#include "eval/modelevaluation.h"
#include "model/model.h"
#include "quant/quantplan.h"

#include <string>
#include <vector>

namespace pareto {

/// The row label of a plan: its default scheme's canonical string, "+map" when it has a
/// precision map ("int4-g64+map").
std::string sweepPlanLabel(const QuantPlan& plan);

/// True for a plan that is plain FP32 (no map, biases untouched): the baseline row itself.
bool isPlainFp32Plan(const QuantPlan& plan);

/// The FP32 row: sizes counted by the same quantizer as the others (every tensor FP32),
/// metrics and per-image figures from `fp32` (the baseline measured on the sweep's images).
Result<SweepRow> fp32SweepRow(const Model& baseline, const ModelEvaluation& fp32);

/// Compresses a copy of `baseline` by `plan`, measures it on `data` and pairs it per image
/// with `fp32PerImage` (the FP32 model on exactly these images). Quantizer warnings, prefixed
/// by the row's label, are appended to `warnings` when given. `pareto` is left false: the
/// front is a property of the whole table (markParetoFront). Cancellable per tensor and per
/// batch (Error::cancelled()).
Result<SweepRow> measureSweepRow(const Model& baseline, const QuantPlan& plan, const Dataset& data,
                                 const PerImageMetrics& fp32PerImage, int batchSize = 64,
                                 const ProgressSink& progress = {}, std::vector<std::string>* warnings = nullptr);

/// The row of a compressed copy measured on the sweep's images: `perImage` its metrics,
/// `fp32PerImage` the FP32 model's on the same images (bootstrap summaries and paired deltas).
SweepRow sweepRowOf(const QuantPlan& plan, SizeReport size, PerImageMetrics perImage, const PerImageMetrics& fp32PerImage);

/// Sets every row's `pareto` flag from paretoFront() over (size.bytes, metrics.mse.mean).
void markParetoFront(std::vector<SweepRow>& rows);

}  // namespace pareto
