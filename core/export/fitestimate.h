// SPDX-License-Identifier: Apache-2.0
#pragma once
// Does the model fit the board? Weights + activations for a batch, plus the runtime.

#include "export/deviceprofile.h"
#include "model/modelprecision.h"
#include "model/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief The memory estimate for one configuration on one board. Plain value.
///
/// required = packed weights (read at load) + resident dequantized weights (params x 4 or
/// 2 bytes) + activations of the batch (every intermediate kept: an upper bound) + the
/// profile's runtime overhead; available = board memory - the profile's OS reserve.
struct FitEstimate {
    std::string profileId;
    int64_t batchSize = 1;
    ModelPrecision precision = ModelPrecision::Fp32;
    int64_t params = 0;                       ///< parameters and float buffers: every value the model holds
    int64_t packedWeightBytes = 0;
    int64_t runtimeWeightBytes = 0;
    /// What a TensorRT engine built from the package's ONNX holds for the weights (per tensor
    /// at the precision TensorRT keeps it: INT8/INT4 + FP32 scales, FP16, FP32); 0 without ONNX.
    int64_t engineWeightBytes = 0;
    int64_t activationBytesPerImage = 0;      ///< all intermediates of one image
    int64_t peakActivationBytesPerImage = 0;  ///< the largest input + output of one op
    bool activationsComplete = true;          ///< false: only some intermediates are known (a lower bound)
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
/// Activations come from Model::activations(); when the model knows only some of them (an
/// opaque program) the estimate says so in a warning.
/// `engineWeightBytes` (OnnxPlan::engineWeightBytes) is shown beside the package's bytes.
FitEstimate estimateFit(const Model& model, int64_t packedWeightBytes, ModelPrecision precision, const DeviceProfile& profile,
                        int64_t batchSize = 1, int64_t engineWeightBytes = 0);

}  // namespace pareto
