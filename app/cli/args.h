// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small command-line parser for the `pareto` CLI (core only, so no Qt here).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pareto::cli {

/// @brief Parsed `--name value`, `--name=value`, `--flag` and positional arguments.
class Args {
public:
    /// `valueOptions` take a value; `flagOptions` don't. Unknown options are errors.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
         const std::set<std::string>& flagOptions);

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string valueOr(const std::string& name, const std::string& fallback) const;
    const std::vector<std::string>& positional() const { return m_positional; }

    /// Integer/float values; on a malformed number sets error() and returns the fallback.
    long long intOr(const std::string& name, long long fallback);
    double doubleOr(const std::string& name, double fallback);

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
    std::string m_error;
};

}  // namespace pareto::cli
