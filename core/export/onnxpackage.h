// SPDX-License-Identifier: Apache-2.0
#pragma once
// The ONNX part of a deployment package: the plan for a board and JetPack, its manifest
// records, and what the verifier needs to check the files against them.

#include "export/deviceprofile.h"
#include "export/plannedtensor.h"
#include "model/model.h"
#include "model/modelprecision.h"
#include "onnx/onnxplan.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pareto {

/// What TensorRT on `profile` (already set to its JetPack: profileForJetpack) accepts.
OnnxTarget onnxTargetFor(const DeviceProfile& profile);

/// The ONNX plan for a configuration: the same per-tensor schemes as the packed weights
/// (planTensors). Pure and cheap: the export dialog calls it on every change.
OnnxPlan planPackageOnnx(const Model& model, const std::vector<PlannedTensor>& planned, const DeviceProfile& profile,
                         ModelPrecision precision);

/// Manifest record of one tensor's ONNX storage, and back (errors name the tensor).
nlohmann::ordered_json onnxTensorJson(const OnnxTensorPlan& t);
Result<OnnxTensorPlan> onnxTensorFromJson(const nlohmann::json& j);

/// "name: reason" lines of a plan folded for reading, like groupedFindings(): one line per
/// reason with the tensors it concerns.
std::vector<std::string> groupedOnnxFindings(const OnnxPlan& plan);

}  // namespace pareto
