// SPDX-License-Identifier: Apache-2.0
#include "export/fitestimate.h"

#include <algorithm>
#include <cstdio>

namespace pareto {
namespace {

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

FitEstimate estimateFit(const Model& model, int64_t packedWeightBytes, ModelPrecision precision, const DeviceProfile& profile,
                        int64_t batchSize, int64_t engineWeightBytes) {
    FitEstimate f;
    f.profileId = profile.id;
    f.batchSize = std::max<int64_t>(1, batchSize);
    f.precision = precision;
    const ModelInfo info = model.info();
    f.params = info.params + info.bufferValues;
    const int64_t valueBytes = modelPrecisionBytes(precision);
    f.packedWeightBytes = packedWeightBytes;
    f.runtimeWeightBytes = f.params * valueBytes;
    f.engineWeightBytes = engineWeightBytes;

    const auto acts = model.activations(&f.activationsComplete);
    int64_t total = 0, peak = 0;
    for (size_t i = 0; i < acts.size(); ++i) {
        total += acts[i].elements;
        if (i + 1 < acts.size()) peak = std::max(peak, acts[i].elements + acts[i + 1].elements);
    }
    f.activationBytesPerImage = total * valueBytes;
    f.peakActivationBytesPerImage = peak * valueBytes;
    f.activationBytes = f.batchSize * f.activationBytesPerImage;
    f.runtimeOverheadBytes = profile.runtimeOverheadBytes;
    const int64_t fixed = f.packedWeightBytes + f.runtimeWeightBytes + f.runtimeOverheadBytes;
    f.requiredBytes = fixed + f.activationBytes;
    f.availableBytes = profile.availableBytes();
    f.headroomBytes = f.availableBytes - f.requiredBytes;
    f.fits = f.headroomBytes >= 0;
    f.maxBatch = f.availableBytes > fixed && f.activationBytesPerImage > 0
                     ? (f.availableBytes - fixed) / f.activationBytesPerImage
                     : 0;

    if (!f.activationsComplete)
        f.warnings.push_back("activation memory is a lower bound: only the input, latent and output of " + model.describe() +
                             " are known, not its intermediate tensors");
    if (!f.fits) {
        f.warnings.push_back("does not fit " + profile.name + ": needs " + mib(f.requiredBytes) + ", " +
                             mib(f.availableBytes) + " available (batch " + std::to_string(f.batchSize) + "; largest batch that fits: " +
                             std::to_string(f.maxBatch) + ")");
    } else if (static_cast<double>(f.requiredBytes) > kFitTightFraction * static_cast<double>(f.availableBytes)) {
        f.warnings.push_back("tight on " + profile.name + ": needs " + mib(f.requiredBytes) + " of " + mib(f.availableBytes) +
                             " available (over " + std::to_string(static_cast<int>(kFitTightFraction * 100)) + " %)");
    }
    f.summary = std::string(f.fits ? "fits " : "does not fit ") + profile.name + ": " + mib(f.requiredBytes) + " of " +
                mib(f.availableBytes) + " (weights " + mib(f.packedWeightBytes + f.runtimeWeightBytes) + ", activations " +
                mib(f.activationBytes) + " at batch " + std::to_string(f.batchSize) + ", runtime " + mib(f.runtimeOverheadBytes) + ")" +
                (f.engineWeightBytes > 0 ? "; TensorRT engine weights " + std::to_string(f.engineWeightBytes) + " bytes" : std::string());
    return f;
}

}  // namespace pareto
