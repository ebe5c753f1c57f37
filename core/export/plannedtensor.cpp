#include "export/plannedtensor.h"

#include "quant/channelaxis.h"

#include <algorithm>

namespace pareto {

const char* plannedLayerName(PlannedTensor::Layer layer) {
    switch (layer) {
    case PlannedTensor::Layer::Conv2d: return "Conv2d";
    case PlannedTensor::Layer::ConvTranspose2d: return "ConvTranspose2d";
    case PlannedTensor::Layer::Linear: return "Linear";
    case PlannedTensor::Layer::Vector: break;
    }
    return "vector";
}

std::vector<PlannedTensor> planTensors(const TinyVae::ShapeList& shapes, const QuantPlan& plan) {
    // The layer kind comes from the architecture; the axis from the plan, so a plan that
    // names the wrong ConvTranspose2d weights shows up as a wrong axis.
    const std::vector<std::string> architecture = tinyVaeConvTransposeWeights();
    const std::vector<std::string> planned = plan.convTransposeWeights.empty() ? architecture : plan.convTransposeWeights;
    std::vector<PlannedTensor> out;
    for (const auto& [name, shape] : shapes) {
        PlannedTensor t;
        t.name = name;
        t.shape = shape;
        t.params = 1;
        for (int64_t d : shape) t.params *= d;
        const int64_t rank = static_cast<int64_t>(shape.size());
        const bool isTransposed = std::find(architecture.begin(), architecture.end(), name) != architecture.end();
        if (rank == 4) t.layer = isTransposed ? PlannedTensor::Layer::ConvTranspose2d : PlannedTensor::Layer::Conv2d;
        else if (rank == 2) t.layer = PlannedTensor::Layer::Linear;
        if (plan.isQuantizable(name, rank, true)) {
            const int rule = plan.precisionMap.firstMatch(name);
            t.scheme = rule >= 0 ? plan.precisionMap.rules()[static_cast<size_t>(rule)].scheme : plan.defaultScheme;
        }
        t.axis = channelAxisFor(name, rank, planned);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace pareto
