// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a precision map matched over a model's parameter names.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// Above this fraction of the quantizable tensors left unmatched, the report shouts.
inline constexpr double kUnmatchedWarningFraction = 0.30;

/// @brief What a precision map matched over a model's parameter names.
struct PrecisionMatchReport {
    struct RuleMatches {
        int index = 0;                      ///< 0-based entry index in the map
        std::string pattern;
        std::string scheme;                 ///< canonical scheme string
        std::vector<std::string> matched;   ///< names this entry decided (first match)
        std::vector<std::string> shadowed;  ///< names it matches that an earlier entry took
        std::vector<std::string> policyKept;  ///< names it matches that the policy keeps FP32
    };
    std::vector<RuleMatches> rules;
    std::vector<std::string> unmatchedParameters;  ///< quantizable names no entry matched
    int64_t eligibleCount = 0;                     ///< quantizable tensors the map was applied to
    int64_t eligibleParams = 0;   ///< their elements (0 when the caller gave no counts)
    int64_t unmatchedParams = 0;  ///< elements of the unmatched ones (0 without counts)
    /// Unmatched share: of the parameters when counts were given, else of the tensors.
    double unmatchedFraction() const;
    std::vector<std::string> warnings;  ///< one line each, naming entries and parameters

    /// Entries that decided no parameter.
    std::vector<int> unusedRules() const;
};

}  // namespace pareto
