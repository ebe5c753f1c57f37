// SPDX-License-Identifier: Apache-2.0
#pragma once
// The latent axis's vocabulary, one for the CLI and the studio: a method and a latent size.

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// How a model at latent size k is obtained. Original is the loaded model itself (k = L).
enum class LatentMethod { Original, Pca, Trained, Distilled };

/// "original", "pca", "trained", "distill": the method's word on the command line, in
/// configuration keys and in the compound grid.
const char* latentMethodId(LatentMethod m);
/// "original", "PCA", "trained", "distilled": for people.
const char* latentMethodName(LatentMethod m);

/// @brief A point of the latent axis: method, k and (trained models) which seed.
struct LatentChoice {
    LatentMethod method = LatentMethod::Original;
    int64_t k = 0;                 ///< latent dimension; for Original the model's L
    std::optional<uint64_t> seed;  ///< Trained: the catalog model's seed (none: the lowest); unused otherwise

    /// "pca:8", "trained:8" (the command-line form).
    std::string id() const;
    /// Part of a configuration key: "" for the original model, else "pca-k8", "trained-k8-s2",
    /// "distilled-k8".
    std::string keyPart() const;
    /// "PCA k=8", "trained k=8 (seed 2)", "original L=16".
    std::string label() const;
    bool operator==(const LatentChoice& o) const { return method == o.method && k == o.k && seed == o.seed; }
    bool operator!=(const LatentChoice& o) const { return !(*this == o); }
};

/// "pca:4,8,16,trained:8" -> PCA 4, 8, 16 and trained 8: a `method:` prefix switches the
/// method for the numbers after it ("distill" for distilled). Errors name the bad item.
Result<std::vector<LatentChoice>> parseLatentAxis(const std::string& text, const std::string& option = "--latents");

}  // namespace pareto
