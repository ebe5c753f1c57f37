// SPDX-License-Identifier: Apache-2.0
#pragma once
// Quantizing a whole model's tensors under a QuantPlan.

#include "common/progress.h"
#include "common/result.h"
#include "common/statedict.h"
#include "model/model.h"
#include "quant/quantizedmodel.h"
#include "quant/quantplan.h"

#include <vector>

namespace pareto {

/// Quantizes copies of `tensors` (a model's, Model::tensors(): never modified, and never
/// sharing storage with the result) under `plan`, each along its own output-channel axis.
/// Progress is reported once per tensor; a cancel request ends it with Error::cancelled().
/// Fails, naming the tensor, when one cannot be quantized. Runs on the caller's thread (the
/// fast kernels may use ATen's intra-op pool).
Result<QuantizedModel> quantizeModelTensors(const std::vector<ModelTensor>& tensors, const QuantPlan& plan,
                                            const ProgressSink& progress = {});

/// The roles a bare state dict gets without a model to ask: rank >= 2 floating tensors named
/// "*.weight" are quantized by default along axis 0; the rest are parameters kept FP32.
std::vector<ModelTensor> defaultTensorRoles(const StateDict& weights);

/// quantizeModelTensors(defaultTensorRoles(weights), plan): for state dicts without a model.
Result<QuantizedModel> quantizeStateDict(const StateDict& weights, const QuantPlan& plan, const ProgressSink& progress = {});

}  // namespace pareto
