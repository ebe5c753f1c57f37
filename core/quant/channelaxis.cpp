#include "quant/channelaxis.h"

#include <algorithm>

namespace pareto {

int64_t channelAxisFor(const std::string& name, int64_t rank, const std::vector<std::string>& convTransposeWeights) {
    if (rank < 2) return 0;
    const bool transposed = std::find(convTransposeWeights.begin(), convTransposeWeights.end(), name) != convTransposeWeights.end();
    return transposed ? 1 : 0;
}

std::vector<std::string> tinyVaeConvTransposeWeights() {
    return {"decoder.2.weight", "decoder.4.weight", "decoder.6.weight"};
}

}  // namespace pareto
