// SPDX-License-Identifier: Apache-2.0
#include "quant/precisionmatchreport.h"

namespace pareto {

std::vector<int> PrecisionMatchReport::unusedRules() const {
    std::vector<int> out;
    for (const auto& r : rules)
        if (r.matched.empty()) out.push_back(r.index);
    return out;
}

}  // namespace pareto
