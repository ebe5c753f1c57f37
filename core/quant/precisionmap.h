// SPDX-License-Identifier: Apache-2.0
#pragma once
// Mixed precision: parameter-name globs -> schemes, first match wins.

#include "common/result.h"
#include "quant/precisionmatchreport.h"
#include "quant/quantscheme.h"

#include <string>
#include <vector>

namespace pareto {

/// `*` matches any run of characters (dots included), `?` one character, the rest literally.
bool globMatch(const std::string& pattern, const std::string& text);

/// @brief One precision-map entry.
struct PrecisionRule {
    std::string pattern;
    QuantScheme scheme;
};

/// @brief An ordered list of PrecisionRules. Value type, any thread.
///
/// JSON form (a file or a string): an array of objects, keys exactly "pattern" and "scheme":
/// @code
///   [ {"pattern": "decoder.6.*", "scheme": "int8"},
///     {"pattern": "*",           "scheme": "int4-g64"} ]
/// @endcode
class PrecisionMap {
public:
    PrecisionMap() = default;
    explicit PrecisionMap(std::vector<PrecisionRule> rules) : m_rules(std::move(rules)) {}

    /// Parses the JSON text; errors name `origin` (e.g. the file) and the entry.
    static Result<PrecisionMap> fromJson(const std::string& text, const std::string& origin = "precision map");
    /// Reads and parses a JSON file; errors name the file.
    static Result<PrecisionMap> loadFile(const std::string& path);
    /// The JSON array form (canonical scheme strings); fromJson(toJson()) is equal.
    std::string toJson() const;

    const std::vector<PrecisionRule>& rules() const { return m_rules; }
    bool empty() const { return m_rules.empty(); }

    /// Index of the first rule whose pattern matches `name`, or -1.
    int firstMatch(const std::string& name) const;

    /// Matches `eligible` names (the ones the policy would quantize); `policyKept` names are
    /// those the policy keeps in FP32 whatever the map says (rank-1 biases and norms without
    /// quantizeBiases, rank >= 2 tensors not named *.weight): they are reported against the
    /// entries that name them, never assigned, so a catch-all "*" cannot quantize a bias.
    ///
    /// `eligibleNumel[i]`, when given, is the element count of `eligible[i]`: the loud warning
    /// then fires when the unmatched tensors hold more than kUnmatchedWarningFraction of the
    /// eligible *parameters* (a map covering every conv but not fc_mu/fc_logvar leaves few
    /// tensors but most of the weights unmatched); without counts it weighs tensors equally.
    PrecisionMatchReport match(const std::vector<std::string>& eligible,
                               const std::vector<std::string>& policyKept = {},
                               const std::vector<int64_t>& eligibleNumel = {}) const;

private:
    std::vector<PrecisionRule> m_rules;
};

}  // namespace pareto
