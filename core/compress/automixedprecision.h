// SPDX-License-Identifier: Apache-2.0
#pragma once
// Automatic mixed precision: one scheme per layer, least predicted harm within a byte budget,
// then verified by quantizing and measuring the real model.

#include "common/progress.h"
#include "common/result.h"
#include "compress/layersensitivity.h"
#include "eval/evaluator.h"
#include "quant/precisionmap.h"
#include "quant/quantscheme.h"
#include "quant/sizereport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// The candidates `pareto automp` chooses from when none are given, from most to least
/// precise: fp16, int8, int4-g64, int4, int3-g64, int2-g64 (per-channel int4 is cheaper
/// than grouped int4 as it stores fewer scales; grouped low-bit schemes keep 2-3 bits usable).
const std::vector<std::string>& defaultAutoMpCandidates();

/// @brief One layer's options for chooseSchemes(): bytes and predicted ΔMSE per candidate.
struct LayerOptions {
    std::string name;
    std::vector<int64_t> bytes;       ///< per candidate, this tensor alone
    std::vector<double> deltaMse;     ///< per candidate, ΔMSE vs FP32 with only this tensor quantized
};

/// @brief The selection: a candidate index per layer.
struct SchemeSelection {
    std::vector<int> choice;          ///< index into the candidates, per layer
    int64_t bytes = 0;                ///< fixedBytes + the chosen layers' bytes
    int64_t minBytes = 0;             ///< the smallest reachable total
    double predictedDeltaMse = 0;     ///< sum of the chosen layers' ΔMSE (additivity assumed)
};

/// Number of byte buckets of the knapsack in chooseSchemes().
inline constexpr int64_t kAutoMpBuckets = 8192;

/// Multiple-choice knapsack: minimises the summed ΔMSE subject to fixedBytes + chosen bytes
/// <= budget. Exact dynamic programming over byte buckets: the extra bytes of each option over
/// its layer's cheapest are rounded UP to a bucket of ceil((max - min) / kAutoMpBuckets) bytes,
/// so the budget always holds in real bytes, the result is optimal up to that rounding, and a
/// larger budget never gives a larger predicted total (the bucket size does not depend on it).
/// Ties prefer fewer bytes. A NaN ΔMSE option is never chosen unless it is the only one.
/// Fails, naming the minimum, when even the cheapest option per layer exceeds the budget.
Result<SchemeSelection> chooseSchemes(const std::vector<LayerOptions>& layers, int64_t fixedBytes, int64_t budget);

/// @brief What autoMixedPrecision() chose and what it measured.
struct AutoMixedPrecision {
    std::vector<std::string> candidates;   ///< canonical scheme strings
    std::vector<SensitivityReport> sensitivity;  ///< one per candidate, on the calibration images
    int64_t budgetBytes = 0;
    int64_t minBytes = 0;                  ///< smallest reachable total with these candidates
    struct Choice {
        std::string name;
        std::string scheme;
        int64_t bytes = 0;
        double predictedDeltaMse = 0;
    };
    std::vector<Choice> choices;           ///< per quantizable tensor, state-dict order
    PrecisionMap map;                      ///< one exact-name entry per quantizable tensor
    int64_t predictedBytes = 0;
    double predictedDeltaMse = 0;
    SizeReport size;                       ///< real bytes of the chosen configuration
    MetricSummary fp32;
    MetricSummary measured;                ///< the mixed-precision model, same images
    PairedDeltas deltaVsFp32;              ///< measured - FP32 per image, paired
    std::vector<std::string> warnings;
};

/// Measures every candidate's per-layer sensitivity on `calibration` (FP32 measured once),
/// chooses with chooseSchemes(), then quantizes with the chosen map and measures it end to end
/// on the same images. The FP32 bytes of biases/norms count towards the budget. Cancellable
/// per candidate, per layer and per batch.
Result<AutoMixedPrecision> autoMixedPrecision(const Model& baseline, const Dataset& calibration, int64_t budgetBytes,
                                              const std::vector<QuantScheme>& candidates, int batchSize = 64,
                                              const ProgressSink& progress = {});

}  // namespace pareto
