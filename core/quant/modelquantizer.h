#pragma once
// Quantizing a whole state dict under a QuantPlan.

#include "common/progress.h"
#include "common/result.h"
#include "common/statedict.h"
#include "quant/quantizedmodel.h"
#include "quant/quantplan.h"

namespace pareto {

/// Quantizes a copy of `weights` (never modified, and never sharing storage with the
/// result) under `plan`. Progress is reported once per tensor; a cancel request ends it
/// with Error::cancelled(). Fails, naming the tensor, when one cannot be quantized.
/// Runs on the caller's thread (the fast kernels may use ATen's intra-op pool).
Result<QuantizedModel> quantizeStateDict(const StateDict& weights, const QuantPlan& plan, const ProgressSink& progress = {});

}  // namespace pareto
