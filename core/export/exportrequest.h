// SPDX-License-Identifier: Apache-2.0
#pragma once
// What to export: an immutable request for exportPackage().

#include "common/result.h"
#include "data/dataset.h"
#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "export/goldenset.h"
#include "model/modelprecision.h"
#include "model/model.h"
#include "quant/quantplan.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief Everything an export needs, copied on the UI thread and never changed after.
///
/// The model is any Model — the checkpoint as loaded, or a latent-reduced / distilled one;
/// `provenance` says in words how it was made. The plan
/// quantizes a copy; the model is never modified. The data is the evaluation set the studio
/// measured on (already converted to the model's input), with its mean image.
struct ExportRequest {
    std::string sourceCheckpoint;            ///< file the model came from; its SHA-256 goes into the manifest
    std::string provenance;                  ///< e.g. "loaded from X" or "PCA latent reduction 16 -> 8 of X"
    std::shared_ptr<const Model> model;      ///< the FP32 model to export (the baseline)
    /// Optional: the model `model` was derived from (e.g. the original L = 16 before a PCA
    /// fold to 8), measured on the same images; the manifest then also records its metrics and
    /// the compressed configuration's paired delta against it, the comparison the user made.
    std::shared_ptr<const Model> reference;
    std::string referenceDescription;        ///< e.g. "the loaded model, L = 16"
    QuantPlan plan;                          ///< scheme(s): default scheme and/or precision map
    std::string planDescription;             ///< optional: how the plan was given (CLI flags, map file)

    std::shared_ptr<const Dataset> data;     ///< evaluation images, converted to the model's input
    MeanImage meanImage;                     ///< for the mean-image baseline and untrained check
    std::string dataSpec;                    ///< normalized spec text, e.g. "fashion-mnist:resources/demo/..."
    std::string split;                       ///< "test", "val", "train", "all"
    int64_t limit = -1;                      ///< first N of the split; < 0: all

    std::string targetProfile = "orin-nano-8gb";  ///< a DeviceProfile id
    /// The board's JetPack line (profileForJetpack): "6" or "5.1" for Orin, "4.6" for the Nano;
    /// "" = the board's default (6 / 4.6). It decides the ONNX opset and whether INT4 is stored as INT4.
    std::string jetpack;
    int64_t fitBatchSize = 1;                ///< batch size the fit estimate assumes
    std::string destination;                 ///< the package folder to create
    bool force = false;                      ///< replace an existing package (swap, never in place)
    bool tar = false;                        ///< also write DESTINATION.tar.gz
    ModelPrecision modelPrecision = ModelPrecision::Fp32;
    int batchSize = 64;                      ///< evaluation batch size (same as `pareto eval`'s default)
    /// What the studio showed for this configuration on these images, when it has it: the
    /// export's own measurement must equal it (kMetricRelTolerance), or the export fails
    /// rather than ship numbers the user did not see.
    std::optional<MetricSummary> studioMetrics;
    int goldenImages = kGoldenImages;
};

}  // namespace pareto
