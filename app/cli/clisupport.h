// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared pieces of the CLI commands: stderr progress, Ctrl-C, JSON for estimates, tables.

#include "args.h"

#include "common/progress.h"
#include "common/result.h"
#include "eval/bootstrap.h"
#include "data/datasetloader.h"
#include "eval/evaluator.h"
#include "model/modelloader.h"
#include "quant/sizereport.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pareto::cli {

/// @brief What every evaluating command reads first: the images asked for and the model.
struct CommandInputs {
    DataSpec spec;
    DatasetLoadOptions options;       ///< --split and --limit as given
    LoadedModel loaded;
    DatasetLoadOptions modelOptions;  ///< options converted to the model's input format
};

/// The process-wide checkpoint options of this run: `--trust-code` and
/// `--max-inflated-bytes N`, which every command accepts anywhere on its command line.
const CheckpointLoadOptions& cliLoadOptions();
/// The TorchScript model options of this run: `--input-shape C,H,W`, `--input-range LO,HI`,
/// `--output-range LO,HI`.
const ScriptedModelOptions& cliScriptedOptions();

/// Removes those options from `args` into cliLoadOptions() and cliScriptedOptions(); false
/// with `error` set for a malformed value.
bool takeLoadOptions(std::vector<std::string>& args, std::string& error);

/// The checkpoint argument as a path: "demo" is the embedded demo model.
std::string cliModelPath(const std::string& arg);

/// Opens a model (cliModelPath of `path`) with cliLoadOptions() and cliScriptedOptions().
Result<LoadedModel> loadCliModel(const std::string& path);

/// Parses --data and --split (`limit` from --limit, < 0: all), then loads `checkpoint`, in
/// that order; the error names the spec or the file. `demo` as the checkpoint or the data
/// spec means the embedded demo model or its held-out images (resourceDir()).
Result<CommandInputs> loadCommandInputs(const Args& args, long long limit, const std::string& checkpoint);

/// @brief The held-out images of a command and the mean image of their data's training part.
struct EvaluationImages {
    Dataset data;
    MeanImage mean;
};

/// Loads `inputs`' images in the model's input format, then their mean image (loadMeanImage);
/// progress over `progress`'s whole range. The error names the data.
Result<EvaluationImages> loadEvaluationImages(const CommandInputs& inputs, const ProgressSink& progress);

/// @brief The images a training command learns from: the spec's training and validation parts.
struct TrainingData {
    Dataset train, val;
    DatasetLoadOptions options;  ///< the model's input shape; split and limit as last used
};

/// Loads the training part (first `trainLimit`, < 0: all) and the validation part (first
/// `valLimit`) of `spec` in `inputShape` [C, H, W], as `pareto train` and `pareto
/// sweep-latent` do; progress over `progress`'s whole range.
Result<TrainingData> loadTrainingData(const DataSpec& spec, const std::vector<int64_t>& inputShape, long long trainLimit, long long valLimit,
                                      const ProgressSink& progress);

/// CSV cells of the sweep tables: a number to 9 significant digits ("" for NaN), an estimate
/// as `mean,lo,hi`, a paired delta as `mean,lo,hi,significant`.
std::string csvNumber(double v);
std::string csvEstimate(const Estimate& e);
std::string csvDelta(const DeltaEstimate& d);
/// The header columns for csvEstimate of MSE, PSNR and SSIM then csvDelta of each:
/// `mse,mse_lo,mse_hi,...,delta_mse,delta_mse_lo,delta_mse_hi,delta_mse_significant,...`.
std::string csvMetricColumns();

/// A sink that prints progress to stderr (throttled) and is cancelled by Ctrl-C.
ProgressSink stderrProgress(bool quiet);

/// `error` with "<what>: " in front of its message (a cancel stays a cancel, unprefixed).
Error withPrefix(const std::string& what, const Error& error);

/// Prints "pareto: <message>" to stderr and returns the exit code for the error.
int reportError(const Error& error);

/// Seconds since this process started (Linux: its start time in /proc, so dynamic loading
/// and the BLAS re-exec count, as a stopwatch around the whole command would see them);
/// where /proc cannot be read, since the first call.
double secondsSinceProcessStart();

/// {"mean": m, "ci95": [lo, hi]}
nlohmann::json toJson(const Estimate& e);
/// {"mean": m, "ci95": [lo, hi], "significant": b}
nlohmann::json toJson(const DeltaEstimate& d);
/// {"mse": {...}, "psnr": {...}, "ssim": {...}}
nlohmann::json toJson(const MetricSummary& s);
/// {"bytes", "fp32_bytes", "ratio", "effective_bits_per_param", "params", "tensors": [{name, scheme, params, bytes}]}
nlohmann::json toJson(const SizeReport& s);

/// Records what the model is in a command's JSON: "model" = modelInfoJson (arch, interface,
/// input_shape, ranges, latent, latent_dim, params, buffer_values, fp32_bytes), and the
/// ranges and buffer_values at the top level too, where every output keeps them.
void addModelJson(nlohmann::json& j, const ModelInfo& info);

/// "0.01234 [0.01200, 0.01270]" with `digits` significant digits.
std::string formatEstimate(const Estimate& e, int digits = 4);

/// Prints JSON (2-space indent) to stdout with a trailing newline.
void printJson(const nlohmann::json& j);

}  // namespace pareto::cli
