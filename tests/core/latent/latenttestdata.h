// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small data sets for the latent tests: structured images a VAE learns in one epoch.

#include "data/dataset.h"
#include "model/modelregistry.h"
#include "train/trainer.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace pareto::test {

/// Bright rectangles on a dark ground, [n, channels, 64, 64], deterministic in `seed`.
inline Dataset rectangles(int n, uint64_t seed, int channels = 1) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    at::Tensor imgs = at::full({n, channels, 64, 64}, 0.1);
    const at::Tensor corners = at::randint(4, 40, {n, 4}, gen, at::kLong);
    for (int i = 0; i < n; ++i) {
        const auto y = corners[i][0].item<int64_t>(), x = corners[i][1].item<int64_t>();
        const auto h = corners[i][2].item<int64_t>() / 2 + 4, w = corners[i][3].item<int64_t>() / 2 + 4;
        imgs[i].slice(1, y, y + h).slice(2, x, x + w).fill_(0.9);
    }
    Dataset d;
    d = Dataset::fromImages(imgs.contiguous());
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "rectangles seed=" + std::to_string(seed) + " n=" + std::to_string(n);
    return d;
}

/// A fresh TinyVAE (PyTorch's initialisation, seeded), as `pareto train` starts one.
inline ModelPtr freshTinyVae(int64_t channels, int64_t latent, uint64_t seed) {
    ArchitectureConfig a;
    a.channels = channels;
    a.latentDim = latent;
    a.seed = seed;
    auto m = findArchitecture("tinyvae")->create(a);
    if (!m.ok()) throw std::runtime_error(m.error().message);
    return *m;
}

/// A TinyVAE trained from scratch on `train` (config.latentDim, config.seed), as `pareto train` does.
inline Result<TrainResult> trainTinyVae(const Dataset& train, const Dataset& val, const TrainConfig& config) {
    return trainModel(freshTinyVae(train.shape()[0], config.latentDim, config.seed), train, val, config);
}

}  // namespace pareto::test
