// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a QuantPlan will do to each tensor, decided without quantizing anything.

#include "model/model.h"
#include "quant/quantplan.h"
#include "quant/quantscheme.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One tensor of a model under a plan: its layer kind, scheme and channel axis.
struct PlannedTensor {
    std::string name;
    std::vector<int64_t> shape;
    int64_t params = 0;
    LayerKind layer = LayerKind::Other;
    bool buffer = false;                       ///< a float buffer (BatchNorm statistics), stays FP32
    QuantScheme scheme = QuantScheme::fp32();  ///< fp32 when the tensor stays FP32
    int64_t axis = 0;                          ///< output-channel axis the scales run along
};

/// The layer as TensorRT names it: "Conv2d", "ConvTranspose2d", "Conv1d", "Linear",
/// "Embedding"; "vector" for rank <= 1 tensors (biases, norm parameters).
std::string plannedLayerName(const PlannedTensor& tensor);

/// The same decision quantizeModelTensors() makes (QuantPlan::schemeFor; the axis the model
/// gives), from the model's tensor list only (no quantizing), so it is cheap enough for
/// every slider change.
std::vector<PlannedTensor> planTensors(const std::vector<ModelTensor>& tensors, const QuantPlan& plan);

}  // namespace pareto
