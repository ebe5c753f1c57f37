// SPDX-License-Identifier: Apache-2.0
#include "model/modelprecision.h"

namespace pareto {

const char* modelPrecisionName(ModelPrecision p) { return p == ModelPrecision::Fp16 ? "fp16" : "fp32"; }

Result<ModelPrecision> parseModelPrecision(const std::string& text) {
    if (text == "fp32") return ModelPrecision::Fp32;
    if (text == "fp16") return ModelPrecision::Fp16;
    return fail("model precision must be fp32 or fp16, got '" + text + "'");
}

}  // namespace pareto
