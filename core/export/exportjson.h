// SPDX-License-Identifier: Apache-2.0
#pragma once
// JSON forms of the export's value types: used by the manifest, `pareto export/verify
// --json`, and anything else that wants the same keys.

#include "eval/bootstrap.h"
#include "eval/evaluator.h"
#include "export/deviceprofile.h"
#include "export/exportreport.h"
#include "export/fitestimate.h"
#include "export/packageverifier.h"
#include "export/tensorrtcheck.h"
#include "quant/sizereport.h"

#include <nlohmann/json.hpp>

namespace pareto {

/// @brief JSON of the export's value types (keys are documented in the README).
struct ExportJson {
    using Json = nlohmann::ordered_json;
    /// {"mean", "ci95": [lo, hi], "n"}
    static Json estimate(const Estimate& e);
    /// {"mean", "ci95", "n", "significant"}
    static Json delta(const DeltaEstimate& d);
    /// {"mse", "psnr", "ssim"} of estimate()
    static Json summary(const MetricSummary& s);
    static Json deltas(const PairedDeltas& d);
    /// {id, name, gpu, compute_capability, memory_bytes, os_reserved_bytes,
    ///  runtime_overhead_bytes, available_bytes, jetpack, tensorrt, precisions, notes}
    static Json profile(const DeviceProfile& p);
    /// {profile, batch_size, precision, params, packed_weight_bytes, runtime_weight_bytes,
    ///  activation_bytes_per_image, peak_activation_bytes_per_image, activation_bytes,
    ///  runtime_overhead_bytes, required_bytes, available_bytes, headroom_bytes, fits,
    ///  max_batch, warnings, summary}
    static Json fit(const FitEstimate& f);
    /// {profile, summary, quantized_tensors, native_tensors, errors, warnings,
    ///  findings: [{severity, rule, tensor, message}], grouped: [warning and error lines folded over tensors]}
    static Json tensorRt(const TensorRtCheck& c);
    /// {bytes, fp32_bytes, ratio, effective_bits_per_param, params, tensors: [{name, scheme, params, bytes}]}
    static Json size(const SizeReport& s);
    /// {package, verdict, passed, failures, skipped, checks: [{name, passed, message, skipped}], files_checked,
    ///  golden: {images, max_abs_error, weights_max_abs_error, tolerance},
    ///  model_vs_weights_max_abs, metrics: {checked, n, packaged_model, weights,
    ///  max_rel_difference}, seconds}
    static Json verification(const VerificationReport& r);
    /// The whole report (`pareto export --json`).
    static Json report(const ExportReport& r);
    /// NaN/inf become null (JSON has no such numbers).
    static Json number(double v);
};

}  // namespace pareto
