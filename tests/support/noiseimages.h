// SPDX-License-Identifier: Apache-2.0
#pragma once
// Uniform-noise images for tests that need pixels but not a real dataset (header-only:
// it needs ATen and core's Dataset, which the Qt-only testsupport library does not link).

#include "data/dataset.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cstdint>

namespace pareto::test {

/// n images of 1x64x64 uniform noise in [0, 1), reproducible from `seed`.
inline Dataset noiseImages(int n, uint64_t seed) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    Dataset d;
    d = Dataset::fromImages(at::rand({n, 1, 64, 64}, gen));
    d.ids.resize(static_cast<size_t>(n));
    d.identity = "noise";
    return d;
}

}  // namespace pareto::test
