#pragma once
// Does the model fit the board? Weights + activations for a batch, plus the runtime.

#include "export/deviceprofile.h"
#include "export/modelprecision.h"
#include "model/tinyvae.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief One intermediate tensor of a TinyVAE forward pass (decode(encode(x).mu)), per image.
struct ActivationTensor {
    std::string name;            ///< "input", "encoder.0.depthwise", ..., "sigmoid"
    std::vector<int64_t> shape;  ///< per image, without the batch dimension
    int64_t elements = 0;
};

/// The tensors a TinyVAE forward pass creates, in execution order (the input first), from
/// the architecture's shapes: C x 64 x 64 -> 16 x 32 x 32 -> 32 x 16 x 16 -> 64 x 8 x 8 ->
/// L (mu and logvar) -> 4096 -> 32 x 16 x 16 -> 16 x 32 x 32 -> C x 64 x 64. Views
/// (flatten, unflatten) allocate nothing and are not listed.
std::vector<ActivationTensor> tinyVaeActivations(const TinyVaeConfig& config);

/// @brief The memory estimate for one configuration on one board. Plain value.
///
/// required = packed weights (read at load) + resident dequantized weights (params x 4 or
/// 2 bytes) + activations of the batch (every intermediate kept: an upper bound) + the
/// profile's runtime overhead; available = board memory - the profile's OS reserve.
struct FitEstimate {
    std::string profileId;
    int64_t batchSize = 1;
    ModelPrecision precision = ModelPrecision::Fp32;
    int64_t params = 0;
    int64_t packedWeightBytes = 0;
    int64_t runtimeWeightBytes = 0;
    int64_t activationBytesPerImage = 0;      ///< all intermediates of one image
    int64_t peakActivationBytesPerImage = 0;  ///< the largest input + output of one op
    int64_t activationBytes = 0;              ///< batchSize x activationBytesPerImage
    int64_t runtimeOverheadBytes = 0;
    int64_t requiredBytes = 0;
    int64_t availableBytes = 0;
    int64_t headroomBytes = 0;  ///< available - required (negative: does not fit)
    bool fits = false;
    int64_t maxBatch = 0;       ///< largest batch that fits under the same assumptions
    std::vector<std::string> warnings;
    std::string summary;        ///< one line for a status bar
};

/// Largest fraction of the available memory a configuration may take before we warn.
inline constexpr double kFitTightFraction = 0.8;

/// Pure and cheap (no tensors): the GUI may call it on every slider change. batchSize < 1
/// is treated as 1.
FitEstimate estimateFit(const TinyVaeConfig& config, int64_t packedWeightBytes, ModelPrecision precision,
                        const DeviceProfile& profile, int64_t batchSize = 1);

}  // namespace pareto
