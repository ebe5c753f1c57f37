// SPDX-License-Identifier: Apache-2.0
#include "quant/precisionmap.h"
#include "common/jsontext.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace pareto {
namespace {

std::string joinNames(const std::vector<std::string>& names, size_t limit = 16) {
    std::string out;
    for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > limit) out += ", ... (" + std::to_string(names.size() - limit) + " more)";
    return out;
}

std::string describe(int index, const std::string& pattern, const std::string& scheme) {
    return "precision map entry " + std::to_string(index) + " ('" + pattern + "' -> " + scheme + ")";
}

}  // namespace

bool globMatch(const std::string& pattern, const std::string& text) {
    // Iterative wildcard match with backtracking to the last '*': linear in practice.
    size_t p = 0, t = 0, starP = std::string::npos, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (starP != std::string::npos) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

Result<PrecisionMap> PrecisionMap::fromJson(const std::string& text, const std::string& origin) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return fail(origin + ": not valid JSON: " + e.what());
    }
    if (!doc.is_array())
        return fail(origin + ": expected a JSON array of {\"pattern\": ..., \"scheme\": ...} objects, got " +
                    std::string(doc.type_name()));
    std::vector<PrecisionRule> rules;
    for (size_t i = 0; i < doc.size(); ++i) {
        const auto& e = doc[i];
        const std::string where = origin + ": entry " + std::to_string(i);
        if (!e.is_object()) return fail(where + " is not an object");
        for (auto it = e.begin(); it != e.end(); ++it)
            if (it.key() != "pattern" && it.key() != "scheme")
                return fail(where + " has unknown key '" + it.key() + "' (expected \"pattern\" and \"scheme\")");
        if (!e.contains("pattern") || !e["pattern"].is_string()) return fail(where + " needs a string \"pattern\"");
        if (!e.contains("scheme") || !e["scheme"].is_string()) return fail(where + " needs a string \"scheme\"");
        PrecisionRule r;
        r.pattern = e["pattern"].get<std::string>();
        if (r.pattern.empty()) return fail(where + " has an empty pattern");
        auto scheme = QuantScheme::parse(e["scheme"].get<std::string>());
        if (!scheme) return fail(where + ": " + scheme.error().message);
        r.scheme = *scheme;
        rules.push_back(std::move(r));
    }
    return PrecisionMap(std::move(rules));
}

Result<PrecisionMap> PrecisionMap::loadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open precision map '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return fail("cannot read precision map '" + path + "'");
    return fromJson(ss.str(), "precision map '" + path + "'");
}

std::string PrecisionMap::toJson() const {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& r : m_rules) doc.push_back({{"pattern", r.pattern}, {"scheme", r.scheme.toString()}});
    return dumpJson(doc, 2);
}

int PrecisionMap::firstMatch(const std::string& name) const {
    for (size_t i = 0; i < m_rules.size(); ++i)
        if (globMatch(m_rules[i].pattern, name)) return static_cast<int>(i);
    return -1;
}

PrecisionMatchReport PrecisionMap::match(const std::vector<std::string>& eligible,
                                         const std::vector<std::string>& policyKept,
                                         const std::vector<int64_t>& eligibleNumel) const {
    PrecisionMatchReport rep;
    rep.eligibleCount = static_cast<int64_t>(eligible.size());
    const bool counted = eligibleNumel.size() == eligible.size() && !eligible.empty();
    if (counted)
        for (int64_t n : eligibleNumel) rep.eligibleParams += n;
    for (size_t i = 0; i < m_rules.size(); ++i)
        rep.rules.push_back({static_cast<int>(i), m_rules[i].pattern, m_rules[i].scheme.toString(), {}, {}, {}});
    for (size_t k = 0; k < eligible.size(); ++k) {
        const std::string& name = eligible[k];
        int first = -1;
        for (size_t i = 0; i < m_rules.size(); ++i) {
            if (!globMatch(m_rules[i].pattern, name)) continue;
            if (first < 0) {
                first = static_cast<int>(i);
                rep.rules[i].matched.push_back(name);
            } else {
                rep.rules[i].shadowed.push_back(name);
            }
        }
        if (first < 0) {
            rep.unmatchedParameters.push_back(name);
            if (counted) rep.unmatchedParams += eligibleNumel[k];
        }
    }
    for (const auto& name : policyKept)
        for (size_t i = 0; i < m_rules.size(); ++i)
            if (globMatch(m_rules[i].pattern, name)) rep.rules[i].policyKept.push_back(name);

    for (const auto& r : rep.rules) {
        if (!r.matched.empty()) continue;
        std::string w = describe(r.index, r.pattern, r.scheme) + " matched no parameter";
        if (!r.shadowed.empty()) w += "; every name it matches (" + joinNames(r.shadowed) + ") was taken by an earlier entry";
        if (!r.policyKept.empty())
            w += "; it names " + std::to_string(r.policyKept.size()) + " tensor(s) the policy keeps in FP32 (" +
                 joinNames(r.policyKept) + "); biases and norm parameters need quantizeBiases";
        rep.warnings.push_back(std::move(w));
    }
    if (!rep.unmatchedParameters.empty() && !m_rules.empty()) {
        const double frac = rep.unmatchedFraction();
        std::string w = std::to_string(rep.unmatchedParameters.size()) + " of " + std::to_string(rep.eligibleCount) +
                        " quantizable tensors";
        if (counted)
            w += " (" + std::to_string(rep.unmatchedParams) + " of " + std::to_string(rep.eligibleParams) + " parameters)";
        w += " matched no precision map entry and use the default scheme: " + joinNames(rep.unmatchedParameters);
        if (frac > kUnmatchedWarningFraction)
            w = "WARNING: " + std::to_string(static_cast<int>(std::lround(frac * 100))) + " % of the " +
                (counted ? "parameters" : "quantizable tensors") + " are not covered by the precision map (check its patterns). " + w;
        rep.warnings.push_back(std::move(w));
    }
    return rep;
}

double PrecisionMatchReport::unmatchedFraction() const {
    if (eligibleParams > 0) return static_cast<double>(unmatchedParams) / static_cast<double>(eligibleParams);
    if (eligibleCount > 0) return static_cast<double>(unmatchedParameters.size()) / static_cast<double>(eligibleCount);
    return 0.0;
}

}  // namespace pareto
