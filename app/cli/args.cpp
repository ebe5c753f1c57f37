// SPDX-License-Identifier: Apache-2.0
#include "args.h"

#include <cstdlib>

namespace pareto::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
           const std::set<std::string>& flagOptions) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), val;
            const auto eq = name.find('=');
            const bool inlineValue = eq != std::string::npos;
            if (inlineValue) {
                val = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (flagOptions.count(name) && !inlineValue) {
                m_flags.insert(name);
            } else if (valueOptions.count(name)) {
                if (!inlineValue) {
                    if (i + 1 >= argv.size()) {
                        m_error = "option --" + name + " needs a value";
                        return;
                    }
                    val = argv[++i];
                }
                m_values[name] = val;
            } else {
                m_error = "unknown option --" + name;
                return;
            }
        } else {
            m_positional.push_back(a);
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::valueOr(const std::string& name, const std::string& fallback) const {
    return value(name).value_or(fallback);
}

long long Args::intOr(const std::string& name, long long fallback) {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const long long x = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0') {
        m_error = "--" + name + " expects an integer, got '" + *v + "'";
        return fallback;
    }
    return x;
}

double Args::doubleOr(const std::string& name, double fallback) {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0') {
        m_error = "--" + name + " expects a number, got '" + *v + "'";
        return fallback;
    }
    return x;
}

}  // namespace pareto::cli
