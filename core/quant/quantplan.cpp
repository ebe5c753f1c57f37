#include "quant/quantplan.h"

namespace pareto {

bool QuantPlan::isQuantizable(const std::string& name, int64_t rank, bool floating) const {
    if (!floating) return false;
    if (rank <= 1) return quantizeBiases;
    static const std::string suffix = ".weight";
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace pareto
