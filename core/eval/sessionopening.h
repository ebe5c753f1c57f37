// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opening a session, the one step the CLI and the studio share: the model (its input shape
// settled against the data), the held-out images in that shape, their mean image, and the
// FP32 model measured beside it.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "data/datasetloader.h"
#include "data/dataspec.h"
#include "eval/modelevaluation.h"
#include "io/checkpoint.h"
#include "model/modelloader.h"
#include "model/scriptedmodel.h"

#include <string>

namespace pareto {

/// @brief What to open and how. Plain value: copy it to a worker.
struct SessionRequest {
    std::string modelPath;
    CheckpointLoadOptions load;        ///< trust, inflation budget
    ScriptedModelOptions scripted;     ///< --input-shape, ranges (the data's shape is added here)
    DataSpec data;
    DatasetLoadOptions options;        ///< split and limit as asked; the model's input is added
    int batchSize = 64;
};

/// Opens `path` for data `spec`: a TorchScript model's input shape is settled with the data's
/// own shape as a candidate (ScriptedModelOptions::dataShape). Errors as loadModel.
Result<LoadedModel> openModelForData(const std::string& path, const DataSpec& spec, const DatasetLoadOptions& options,
                                     const CheckpointLoadOptions& load = {}, ScriptedModelOptions scripted = {});

/// @brief The held-out images of a session in the model's input shape, with their mean image.
struct SessionImages {
    Dataset data;
    MeanImage mean;
    DatasetLoadOptions modelOptions;  ///< the options converted to the model's input
};

/// Loads `spec` in `model`'s input shape, then the mean image of its training part.
Result<SessionImages> loadSessionImages(const Model& model, const DataSpec& spec, const DatasetLoadOptions& options,
                                        const ProgressSink& progress = {});

/// @brief An opened session.
struct OpenedSession {
    LoadedModel loaded;
    SessionImages images;
    ModelEvaluation fp32;  ///< the model as loaded, beside the mean image (untrained check)
};

/// openModelForData, loadSessionImages, evaluateWithBaseline. Cancellable; errors name the
/// file or the data and the problem; Error::needsTrust() for a program not trusted.
Result<OpenedSession> openSession(const SessionRequest& request, const ProgressSink& progress = {});

}  // namespace pareto
