#pragma once
// Which axis of a weight holds its output channels.

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// Output-channel axis of parameter `name` of rank `rank`: 1 for ConvTranspose2d weights
/// (PyTorch stores them [in, out, kh, kw]), named exactly in `convTransposeWeights`,
/// otherwise 0 (Conv2d [out, in, kh, kw], Linear [out, in]). Rank < 2 gives 0.
int64_t channelAxisFor(const std::string& name, int64_t rank, const std::vector<std::string>& convTransposeWeights);

/// SAGE TinyVAE's ConvTranspose2d weights: decoder.2/4/6.weight.
std::vector<std::string> tinyVaeConvTransposeWeights();

}  // namespace pareto
