// SPDX-License-Identifier: Apache-2.0
#pragma once
// The weights a packaged model holds at its precision.

#include "common/statedict.h"
#include "model/modelprecision.h"

namespace pareto {

/// `weights` as the packaged model holds them: float32 copies, or rounded to float16 and back
/// (what an FP16 model computes with on a float32 input).
StateDict weightsAtPrecision(const StateDict& weights, ModelPrecision precision);

}  // namespace pareto
