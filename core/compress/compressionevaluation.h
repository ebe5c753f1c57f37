// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "compress/modelcompressor.h"
#include "eval/modelevaluation.h"

namespace pareto {

/// @brief A compressed variant measured against its FP32 baseline on the same images.
struct CompressionEvaluation {
    ModelEvaluation fp32;               ///< the baseline model, with the mean-image check
    PerImageMetrics compressedPerImage;
    MetricSummary compressed;
    PairedDeltas deltaVsFp32;           ///< compressed - fp32, per image
    QuantizedModel quantized;           ///< stored form and real sizes
    std::shared_ptr<const Model> compressedModel;  ///< computes with the dequantized copies
};

/// Measures `baseline`, compresses a copy by `plan`, measures that on the same images, and
/// pairs the two per image. Cancellable per batch and per tensor.
Result<CompressionEvaluation> evaluateCompression(const Model& baseline, const QuantPlan& plan, const Dataset& data,
                                                  const MeanImage& meanImage, int batchSize = 64,
                                                  const ProgressSink& progress = {});

}  // namespace pareto
