// SPDX-License-Identifier: Apache-2.0
#pragma once
// Everything the Export dialog warns about while the user is still choosing, without
// quantizing anything: the exact stored bytes, the memory fit and TensorRT's findings.

#include "export/deviceprofile.h"
#include "export/fitestimate.h"
#include "model/modelprecision.h"
#include "export/plannedtensor.h"
#include "export/tensorrtcheck.h"
#include "model/model.h"
#include "onnx/onnxplan.h"
#include "quant/quantplan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief The stored bytes of each planned tensor and in total, from the block layout alone.
/// Equal to the quantizer's SizeReport::bytes for the same plan (packed codes + scales +
/// zero-points, 4 bytes per FP32 value, 2 per FP16/BF16 value).
int64_t plannedBytes(const PlannedTensor& tensor);
int64_t plannedBytes(const std::vector<PlannedTensor>& tensors);

/// @brief One configuration on one board, checked cheaply (microseconds for a TinyVAE): safe
/// to call on every slider change, on the UI thread.
struct DeploymentCheck {
    std::vector<PlannedTensor> tensors;
    int64_t bytes = 0;  ///< plannedBytes(tensors)
    FitEstimate fit;
    TensorRtCheck tensorRt;
    OnnxPlan onnx;                      ///< the ONNX files and how each tensor is stored in them
    std::vector<std::string> files;     ///< every file the package will hold (packageFileList)
    std::vector<std::string> warnings;  ///< fit warnings, TensorRT warnings and errors, then ONNX findings, one line each
};

/// `profile` is taken at its JetPack line (profileForJetpack) before it is passed here.
DeploymentCheck checkDeployment(const Model& model, const QuantPlan& plan, const DeviceProfile& profile,
                                ModelPrecision precision = ModelPrecision::Fp32, int64_t batchSize = 1);

/// The files of a package for `model` (artifacts) and its ONNX plan, in the order the manifest
/// lists them, manifest.json and manifest.sha256 last.
std::vector<std::string> packageFileList(const Model& model, const OnnxPlan& onnx);

}  // namespace pareto
