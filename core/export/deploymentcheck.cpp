#include "export/deploymentcheck.h"

#include "quant/blocklayout.h"
#include "quant/quantizedtensor.h"

namespace pareto {

int64_t plannedBytes(const PlannedTensor& t) {
    if (t.scheme.kind == QuantKind::Float32) return 4 * t.params;
    auto layout = BlockLayout::make(t.shape, t.axis, t.scheme);
    if (!layout) return 4 * t.params;  // the quantizer would refuse it; count it as FP32
    QuantizedTensor q;
    q.shape = t.shape;
    q.axis = t.axis;
    q.scheme = t.scheme;
    q.layout = *layout;
    const QuantizedTensor::StorageSizes s = q.expectedSizes();
    return s.packed + 2 * s.scalesFp16 + 4 * s.scalesFp32 + s.zeroPoints;
}

int64_t plannedBytes(const std::vector<PlannedTensor>& tensors) {
    int64_t total = 0;
    for (const auto& t : tensors) total += plannedBytes(t);
    return total;
}

DeploymentCheck checkDeployment(const Model& model, const QuantPlan& plan, const DeviceProfile& profile, ModelPrecision precision,
                                int64_t batchSize) {
    DeploymentCheck c;
    c.tensors = planTensors(model.tensors(), plan);
    c.bytes = plannedBytes(c.tensors);
    c.fit = estimateFit(model, c.bytes, precision, profile, batchSize);
    c.tensorRt = checkTensorRt(c.tensors, profile, precision);
    c.warnings = c.fit.warnings;
    for (const auto& f : c.tensorRt.findings)
        if (f.severity != TensorRtCheck::Finding::Severity::Info) c.warnings.push_back(f.message);
    return c;
}

}  // namespace pareto
