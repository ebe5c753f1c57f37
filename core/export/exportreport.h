// SPDX-License-Identifier: Apache-2.0
#pragma once
// What an export produced and proved: a value a dialog can show as it is.

#include "eval/evaluator.h"
#include "export/fitestimate.h"
#include "model/modelprecision.h"
#include "export/packagedfile.h"
#include "export/packedweights.h"
#include "export/packageverifier.h"
#include "export/tensorrtcheck.h"
#include "onnx/onnxplan.h"
#include "quant/sizereport.h"

#include <cstdint>
#include <string>
#include <optional>
#include <vector>

namespace pareto {

/// @brief The result of exportPackage(). Plain value; any thread.
struct ExportReport {
    std::string destination;
    std::string tarPath;                    ///< empty without tar
    int64_t tarBytes = 0;
    bool replacedExisting = false;
    std::vector<std::string> recoveryActions;  ///< leftovers of an earlier interrupted export, tidied up first

    std::vector<PackagedFile> files;        ///< every file, manifest included, with size and SHA-256
    int64_t packageBytes = 0;               ///< sum of the files
    SizeReport size;                        ///< the weight payload (= weights.safetensors data section)
    PackedWeightsFileInfo weightsFile;          ///< data / header / whole-file bytes of weights.safetensors
    ModelPrecision precision = ModelPrecision::Fp32;
    std::string scheme;                     ///< default scheme (+ " + precision map" when one was used)

    int64_t n = 0;
    std::string dataIdentity;
    MetricSummary baseline;                 ///< the FP32 model
    MetricSummary compressed;               ///< the quantized configuration (what the studio shows)
    MetricSummary packagedModel;            ///< model.pt as packaged (== compressed for FP32)
    PairedDeltas deltaVsBaseline;           ///< compressed - baseline, per image
    std::optional<MetricSummary> reference;       ///< the request's reference model, when given
    std::optional<PairedDeltas> deltaVsReference; ///< compressed - reference, per image
    MetricSummary meanImage;
    bool untrainedWarning = false;
    std::string untrainedReason;

    int64_t goldenImages = 0;
    double goldenMaxAbsError = 0;           ///< largest error re-running the golden batch from disk
    double goldenTolerance = 0;

    FitEstimate fit;
    TensorRtCheck tensorRt;
    /// The ONNX files: their plan (storage per tensor, findings, engine weight bytes), or why
    /// there are none (onnx.available false, onnx.reason).
    OnnxPlan onnx;
    MetricSummary onnxModel;                ///< model.onnx's weights computed in memory (what the files must reproduce)
    PairedDeltas onnxVsCompressed{};        ///< onnxModel - compressed, per image (FP16 storage of fallback tensors)
    VerificationReport verification;        ///< the validation run on the staged package, from disk
    std::vector<std::string> warnings;
    std::string manifestJson;
    double seconds = 0;
    double verifySeconds = 0;
};

}  // namespace pareto
