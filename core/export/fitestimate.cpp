#include "export/fitestimate.h"

#include <algorithm>
#include <cstdio>

namespace pareto {
namespace {

ActivationTensor act(std::string name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return {std::move(name), std::move(shape), n};
}

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

std::vector<ActivationTensor> tinyVaeActivations(const TinyVaeConfig& c) {
    const int64_t S = TinyVaeConfig::kImageSize;
    std::vector<ActivationTensor> a;
    a.push_back(act("input", {c.channels, S, S}));
    const int64_t channels[] = {16, 32, 64};
    int64_t cin = c.channels, size = S;
    for (int i = 0; i < 3; ++i) {
        size /= 2;  // stride-2 depthwise conv, padding 1
        const std::string p = "encoder." + std::to_string(i) + ".";
        a.push_back(act(p + "depthwise", {cin, size, size}));
        a.push_back(act(p + "pointwise", {channels[i], size, size}));
        a.push_back(act(p + "norm", {channels[i], size, size}));
        a.push_back(act(p + "relu", {channels[i], size, size}));
        cin = channels[i];
    }
    a.push_back(act("pool", {TinyVaeConfig::kFeatureChannels, TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize}));
    a.push_back(act("fc_mu", {c.latentDim}));
    a.push_back(act("fc_logvar", {c.latentDim}));
    a.push_back(act("decoder_input", {TinyVaeConfig::kFlat}));
    a.push_back(act("decoder.1", {TinyVaeConfig::kFlat}));  // ReLU after the unflatten view
    const int64_t decOut[] = {32, 16, c.channels};
    const int decIndex[] = {2, 4, 6};
    size = TinyVaeConfig::kFeatureSize;
    for (int i = 0; i < 3; ++i) {
        size *= 2;
        a.push_back(act("decoder." + std::to_string(decIndex[i]), {decOut[i], size, size}));
        a.push_back(act("decoder." + std::to_string(decIndex[i] + 1), {decOut[i], size, size}));  // ReLU / Sigmoid
    }
    return a;
}

FitEstimate estimateFit(const TinyVaeConfig& config, int64_t packedWeightBytes, ModelPrecision precision,
                        const DeviceProfile& profile, int64_t batchSize) {
    FitEstimate f;
    f.profileId = profile.id;
    f.batchSize = std::max<int64_t>(1, batchSize);
    f.precision = precision;
    f.params = config.parameterCount();
    const int64_t valueBytes = modelPrecisionBytes(precision);
    f.packedWeightBytes = packedWeightBytes;
    f.runtimeWeightBytes = f.params * valueBytes;

    const auto acts = tinyVaeActivations(config);
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
                mib(f.activationBytes) + " at batch " + std::to_string(f.batchSize) + ", runtime " + mib(f.runtimeOverheadBytes) + ")";
    return f;
}

}  // namespace pareto
