// SPDX-License-Identifier: Apache-2.0
#pragma once
// TensorRT's rules for quantized weights, checked per tensor against a board.

#include "export/deviceprofile.h"
#include "model/modelprecision.h"
#include "export/plannedtensor.h"

#include <string>
#include <vector>

namespace pareto {

/// @brief What TensorRT will make of a configuration on one board. Plain value.
///
/// TensorRT consumes ONNX QuantizeLinear/DequantizeLinear (Q/DQ): symmetric only (zero-point
/// 0), INT8 weights in [-127, 127], per-tensor or per-channel scales (opset >= 13; axis 0 for
/// Conv2d and Linear weights, axis 1 for ConvTranspose2d), INT4 only weight-only for MatMul
/// (TensorRT 10). Anything else — asymmetric codes, sub-8-bit Conv weights, NF4, ternary,
/// group-wise INT8 — is stored packed and dequantized at load, so TensorRT runs that layer in
/// FP16/FP32. The package's TorchScript model always runs; findings concern a TensorRT engine
/// built on the device with trtexec.
struct TensorRtCheck {
    struct Finding {
        enum class Severity { Info, Warning, Error };
        Severity severity = Severity::Info;
        std::string rule;     ///< "zero-point", "int8-range", "sub-8-bit", "not-native", "group-int8", "channel-axis", ...
        std::string tensor;   ///< empty for model-wide findings
        std::string message;  ///< one line
    };
    std::string profileId;
    std::vector<Finding> findings;
    int quantizedTensors = 0;  ///< tensors stored in an integer/NF4/ternary scheme
    int nativeTensors = 0;     ///< of those, the ones TensorRT can take as Q/DQ weights on this board
    int errors = 0;
    int warnings = 0;
    std::string summary;       ///< one line
};

/// "info" / "warning" / "error"
const char* severityName(TensorRtCheck::Finding::Severity s);

/// The findings folded for reading: one line per distinct (severity, message with the tensor
/// left out), "warning: 4-bit weights are not native ... (6 tensors: a, b, ...)". Info lines only
/// with includeInfo.
std::vector<std::string> groupedFindings(const TensorRtCheck& check, bool includeInfo = false);

/// Pure and cheap: the GUI may call it on every slider change.
TensorRtCheck checkTensorRt(const std::vector<PlannedTensor>& tensors, const DeviceProfile& profile,
                            ModelPrecision precision = ModelPrecision::Fp32);

}  // namespace pareto
