// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "model/model.h"

#include <string>
#include <vector>

namespace pareto {

/// @brief A model measured on held-out data beside the mean-image baseline.
struct ModelEvaluation {
    ModelInfo model;
    std::string dataIdentity;
    std::vector<std::string> dataNotes;
    PerImageMetrics perImage;
    MetricSummary summary;
    PerImageMetrics baselinePerImage;  ///< the mean image as the prediction
    MetricSummary baselineSummary;
    std::string baselineSource;
    UntrainedCheck untrained;
    double seconds = 0;
    int64_t n() const { return static_cast<int64_t>(perImage.size()); }
};

/// Options converting the data to the model's input format.
DatasetLoadOptions optionsForModel(const ModelInfo& info, DatasetLoadOptions base);

/// The rest of an evaluation once `perImage` (the model on exactly `data`) is measured:
/// summaries, the mean-image baseline and the untrained check. `seconds` is left 0.
ModelEvaluation evaluationOf(const Model& model, const Dataset& data, const MeanImage& meanImage, PerImageMetrics perImage);

/// Measures `model` on `data` against `meanImage`; cancellable per batch.
Result<ModelEvaluation> evaluateWithBaseline(const Model& model, const Dataset& data, const MeanImage& meanImage,
                                             int batchSize = 64, const ProgressSink& progress = {});

/// Loads the data (converted to the model's input) and its mean image, then measures.
Result<ModelEvaluation> evaluateOnData(const Model& model, const DataSpec& spec, const DatasetLoadOptions& options,
                                       int batchSize = 64, const ProgressSink& progress = {});

}  // namespace pareto
