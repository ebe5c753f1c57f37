// SPDX-License-Identifier: Apache-2.0
#pragma once
// The export job: measure, write, re-open from disk, validate, then move into place.

#include "common/progress.h"
#include "common/result.h"
#include "export/exporthooks.h"
#include "export/exportreport.h"
#include "export/exportrequest.h"

namespace pareto {

/// @brief Exports a validated deployment package for a Jetson.
///
/// 1. Measures the FP32 model and the quantized copy on the request's images exactly as
///    `pareto eval --quant` does (evaluateCompression), and, for an FP16 model.pt, the FP16
///    model too.
/// 2. Writes weights.safetensors, model.pt, golden/, README.md, manifest.json and
///    manifest.sha256 into `.NAME.partial-PID-RANDOM` beside the destination.
/// 3. Re-opens that folder with verifyPackage() — the code path of `pareto verify` — which
///    checks every hash, loads the weights and model.pt from disk, reproduces the golden
///    outputs, and re-measures both on the images; the re-measured metrics must equal step 1's
///    within kMetricRelTolerance.
/// 4. Only then moves it into place (PackageInstaller: never overwriting silently; with
///    `force`, swapping so a crash leaves the old or the new package whole), then writes
///    DESTINATION.tar.gz when asked.
/// On failure or cancel nothing appears at the destination, an existing package is left as
/// it was, and the staging folder is removed. Leftovers of an earlier interrupted export are
/// tidied first (PackageInstaller::recover()). Runs on the caller's thread; progress and
/// cancel per stage and per batch. Cancel gives Error::cancelled().
Result<ExportReport> exportPackage(const ExportRequest& request, const ProgressSink& progress = {},
                                   const ExportHooks& hooks = {});

}  // namespace pareto
