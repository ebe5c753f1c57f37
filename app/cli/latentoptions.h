// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pieces shared by the latent commands (latent, sweep-latent, sweep --latents, catalog).

#include "args.h"

#include "common/progress.h"
#include "common/result.h"
#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "latent/distillationstudy.h"
#include "latent/latentcatalog.h"
#include "model/model.h"
#include "quant/quantplan.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pareto::cli {

/// Default number of training images the latent statistics (PCA) are collected on.
inline constexpr long long kDefaultCalibrationLimit = 10000;

/// "4,8,16" -> {4, 8, 16}; errors name the bad item (non-positive, not a number, repeated).
Result<std::vector<int64_t>> parseLatentList(const std::string& text);

/// "demo" -> demoLatentCatalog(); otherwise a folder (addFolder) or one .safetensors file.
LatentCatalog catalogFromArg(const std::string& arg);

/// $XDG_CACHE_HOME/pareto-studio/latent-sweep, else ~/.cache/pareto-studio/latent-sweep.
std::string defaultLatentCacheDir();

/// The training split of `spec` in the model's input format, first `limit` images (< 0: all):
/// the calibration images of a PCA truncation (never the held-out ones).
Result<Dataset> loadCalibration(const DataSpec& spec, const DatasetLoadOptions& modelOptions, long long limit,
                                const ProgressSink& progress);

/// Opens each scratch checkpoint as a model at k for `original`'s input; errors name the file.
Result<std::vector<ScratchModel>> loadScratchModels(const std::vector<std::string>& paths, int64_t k, const ModelInfo& original);

/// "a,b,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> splitCommaList(const std::string& s);

/// `pareto sweep CKPT ... --latents AXIS`: the latent x bits grid over `plans` (the sweep's
/// schemes). `args` is the sweep's parsed command line. Returns the exit code.
int runCompoundSweep(const Args& args, const std::vector<QuantPlan>& plans);

/// {"mse": {...}, "psnr": {...}, "ssim": {...}} of paired deltas.
nlohmann::json deltasToJson(const PairedDeltas& d);

}  // namespace pareto::cli
