#pragma once
// `pareto verify`: proves, from the files alone, that a package is intact and computes what
// its manifest says. Core only (LibTorch, no Qt), so it also builds on a Jetson.

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "eval/evaluator.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace pareto {

/// Largest relative difference between re-measured and recorded metrics (mean and both CI
/// bounds of MSE, PSNR and SSIM) that still counts as equal.
inline constexpr double kMetricRelTolerance = 1e-5;

/// @brief What verifyPackage() should also do.
struct VerifyOptions {
    /// When set: re-run model.pt and the dequantized weights of weights.safetensors over these
    /// images and compare with the manifest's metrics. The images must be the ones the package
    /// was measured on (their SHA-256 is in the manifest).
    const Dataset* data = nullptr;
    int batchSize = 64;
    /// model.pt is a TorchScript program: it is loaded and run only when trusted
    /// (`--trust-code`; the exporter's own check of what it just wrote). Otherwise its checks
    /// are reported as skipped and everything data-only is still checked.
    bool trustCode = false;
};

/// @brief The verdict and every check behind it. Value type.
struct VerificationReport {
    struct Check {
        std::string name;     ///< "manifest.sha256", "hash weights.safetensors", "golden", ...
        bool passed = false;
        std::string message;  ///< one line; for a failure it starts with the file it concerns
        /// Not run: "skipped: contains code" (model.pt without trust) or because a file it
        /// needs failed its hash check. A skip is not a failure by itself; the failed
        /// check behind it is.
        bool skipped = false;
    };
    std::string package;
    bool passed = false;
    std::vector<Check> checks;
    std::vector<std::string> failures;  ///< messages of the failed checks, in order
    std::vector<std::string> skipped;   ///< messages of the checks not run, in order

    int64_t filesChecked = 0;
    int64_t goldenImages = 0;
    double goldenMaxAbsError = std::numeric_limits<double>::quiet_NaN();          ///< model.pt vs expected
    double goldenWeightsMaxAbsError = std::numeric_limits<double>::quiet_NaN();   ///< weights.safetensors model vs expected
    double goldenTolerance = std::numeric_limits<double>::quiet_NaN();
    double weightsVsModelMaxAbs = std::numeric_limits<double>::quiet_NaN();       ///< model.pt parameters vs dequantized weights

    bool metricsChecked = false;
    int64_t n = 0;
    MetricSummary packagedModel;   ///< model.pt re-measured
    MetricSummary weightsModel;    ///< the dequantized weights re-measured (FP32)
    double metricsMaxRelDifference = std::numeric_limits<double>::quiet_NaN();

    /// The ONNX files: structure checked, weight DQ folded, run with OpenCV DNN (data: no trust).
    int64_t onnxFiles = 0;          ///< ONNX files the manifest lists
    int64_t onnxFilesRun = 0;       ///< of those, the ones that passed the structure check and ran on the golden input
    double onnxGoldenMaxAbsError = std::numeric_limits<double>::quiet_NaN();  ///< largest over the files vs golden/onnx_expected
    bool onnxMetricsChecked = false;
    MetricSummary onnxModel;        ///< model.onnx (or encoder -> step -> decoder) re-measured through OpenCV DNN
    std::string onnxMetricsLabel = "model.onnx";  ///< what onnxModel ran: "model.onnx" or "encoder.onnx -> nearest code -> decoder.onnx"
    /// Largest relative difference of onnxModel from the manifest's onnx.metrics (NaN if not measured).
    double onnxMetricsMaxRelDifference = std::numeric_limits<double>::quiet_NaN();
    double seconds = 0;

    const char* verdict() const { return passed ? "PASS" : "FAIL"; }
    /// The largest golden error of the two paths (NaN when the golden check did not run).
    double largestError() const;
};

/// Nothing is loaded from a file whose hash check failed: the checks that need it are
/// reported as skipped, naming the file. model.pt runs only with options.trustCode.
/// Checks, in order, recording each: manifest.sha256 is well-formed and matches manifest.json;
/// the manifest parses and has our schema; every file it lists exists with its size and
/// SHA-256, and no other file is there; weights.safetensors re-opens (reference kernels) with
/// the manifest's bytes; model.pt loads with LibTorch, its parameters equal the dequantized
/// weights at its precision, and it exports encode/decode/forward; the golden inputs
/// reproduce the expected outputs within the tolerance through model.pt and through the
/// weights; every ONNX file re-opens with the structure the manifest records (integer
/// initializers feeding DequantizeLinear with the packed weights' scales, no float copies), its
/// weight DQ folds to exactly the package's values, and OpenCV DNN reproduces
/// golden/onnx_expected.safetensors within the tolerance; with options.data, the metrics are
/// re-measured (model.onnx through OpenCV DNN too). Every check runs even after a
/// failure (except those needing a file that could not be read), so the report lists all
/// problems. Errors only for cancellation; a missing folder is a failed check.
Result<VerificationReport> verifyPackage(const std::string& packageDir, const VerifyOptions& options = {},
                                         const ProgressSink& progress = {});

/// SHA-256 of a dataset's images as float32 bytes [N, C, H, W] (the manifest's
/// metrics.data.images_sha256): proves a re-measurement uses the same images.
std::string datasetImagesSha256(const Dataset& data);

}  // namespace pareto
