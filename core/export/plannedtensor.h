#pragma once
// What a QuantPlan will do to each tensor, decided without quantizing anything.

#include "model/tinyvae.h"
#include "quant/quantplan.h"
#include "quant/quantscheme.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One tensor of a model under a plan: its layer kind, scheme and channel axis.
struct PlannedTensor {
    enum class Layer { Conv2d, ConvTranspose2d, Linear, Vector };  ///< Vector: biases, norm parameters
    std::string name;
    std::vector<int64_t> shape;
    int64_t params = 0;
    Layer layer = Layer::Vector;
    QuantScheme scheme = QuantScheme::fp32();  ///< fp32 when the tensor stays FP32
    int64_t axis = 0;                          ///< output-channel axis the scales run along
};

/// "Conv2d", "ConvTranspose2d", "Linear", "vector"
const char* plannedLayerName(PlannedTensor::Layer layer);

/// The same decision quantizeStateDict() makes (policy, then first precision-map entry,
/// then the default scheme; axis by channelAxisFor()), from names and shapes only, so it
/// is cheap enough for every slider change. A plan without ConvTranspose names gets the
/// TinyVAE's, as compressModel() does. The layer kind is the architecture's (TinyVAE:
/// decoder.2/4/6.weight are ConvTranspose2d, other rank-4 weights Conv2d, rank-2 Linear),
/// independent of the plan, so a plan listing the wrong ConvTranspose names gets a wrong axis
/// that checkTensorRt() reports.
std::vector<PlannedTensor> planTensors(const TinyVae::ShapeList& shapes, const QuantPlan& plan);

}  // namespace pareto
