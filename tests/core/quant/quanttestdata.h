// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared inputs for the core/quant tests: adversarial tensors by name, a TinyVAE-shaped
// state dict, raw float32 files written by the PyTorch fixture.

#include "common/statedict.h"
#include "model/modelregistry.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QString>

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pareto::test {

inline at::Tensor gaussian(std::vector<int64_t> shape, uint64_t seed, double std = 0.05) {
    at::manual_seed(seed);
    return at::randn(shape, at::kFloat) * std;
}

/// Named tensors for the fast == reference and budget rows. Shapes are chosen so groups do
/// not divide rows, rows hold 1 or odd numbers of values, bit streams straddle bytes.
inline at::Tensor makeTensor(const QString& kind, uint64_t seed) {
    if (kind == "gaussian 16x300") return gaussian({16, 300}, seed);
    if (kind == "gaussian 64x1024") return gaussian({64, 1024}, seed);
    if (kind == "conv 8x3x3x3") return gaussian({8, 3, 3, 3}, seed);
    if (kind == "odd 7x37") return gaussian({7, 37}, seed);
    if (kind == "single value") return at::full({1, 1}, 0.3f);
    if (kind == "column 13x1") return gaussian({13, 1}, seed);
    if (kind == "bias 37") return gaussian({37}, seed);
    if (kind == "all-zero channel") {
        at::Tensor t = gaussian({6, 130}, seed);
        t[2].zero_();
        return t;
    }
    if (kind == "all zero") return at::zeros({4, 64});
    if (kind == "huge outlier") {
        at::Tensor t = gaussian({5, 200}, seed);
        t[1][17] = 1000.0f;
        t[3][0] = -250.0f;
        return t;
    }
    if (kind == "ties") {
        // int4 rows of max 0.875 have the exact scale 0.125: odd multiples of 0.0625 sit
        // exactly on half steps, so round-half-to-even decides them.
        return at::arange(-14, 15, at::kFloat).mul(0.0625f).reshape({1, 29}).repeat({3, 1});
    }
    if (kind == "tiny values") return gaussian({4, 96}, seed, 1e-9);
    if (kind == "constant row") return at::full({3, 70}, -0.25f);
    if (kind == "empty 0x5") return at::zeros({0, 5});
    return {};
}

/// SAGE TinyVAE (3 channels, latent 16) parameter names and shapes, in state-dict order.
inline std::vector<std::pair<std::string, std::vector<int64_t>>> tinyVaeShapes() {
    return {
        {"encoder.0.depthwise.weight", {3, 1, 3, 3}}, {"encoder.0.depthwise.bias", {3}},
        {"encoder.0.pointwise.weight", {16, 3, 1, 1}}, {"encoder.0.pointwise.bias", {16}},
        {"encoder.0.norm.weight", {16}}, {"encoder.0.norm.bias", {16}},
        {"encoder.1.depthwise.weight", {16, 1, 3, 3}}, {"encoder.1.depthwise.bias", {16}},
        {"encoder.1.pointwise.weight", {32, 16, 1, 1}}, {"encoder.1.pointwise.bias", {32}},
        {"encoder.1.norm.weight", {32}}, {"encoder.1.norm.bias", {32}},
        {"encoder.2.depthwise.weight", {32, 1, 3, 3}}, {"encoder.2.depthwise.bias", {32}},
        {"encoder.2.pointwise.weight", {64, 32, 1, 1}}, {"encoder.2.pointwise.bias", {64}},
        {"encoder.2.norm.weight", {64}}, {"encoder.2.norm.bias", {64}},
        {"fc_mu.weight", {16, 4096}}, {"fc_mu.bias", {16}},
        {"fc_logvar.weight", {16, 4096}}, {"fc_logvar.bias", {16}},
        {"decoder_input.weight", {4096, 16}}, {"decoder_input.bias", {4096}},
        {"decoder.2.weight", {64, 32, 3, 3}}, {"decoder.2.bias", {32}},
        {"decoder.4.weight", {32, 16, 3, 3}}, {"decoder.4.bias", {16}},
        {"decoder.6.weight", {16, 3, 3, 3}}, {"decoder.6.bias", {3}},
    };
}

inline StateDict tinyVaeStateDict(uint64_t seed) {
    StateDict sd;
    uint64_t s = seed;
    for (const auto& [name, shape] : tinyVaeShapes()) sd.set(name, gaussian(shape, s++));
    return sd;
}

/// The tensors of the built-in model these weights are, with the roles it gives them
/// (ConvTranspose weights on axis 1, norm parameters unquantized): what compressModel uses.
inline std::vector<ModelTensor> tensorsOf(const StateDict& weights) {
    auto model = modelFromWeights(weights);
    if (!model.ok()) throw std::runtime_error(model.error().message);
    return (*model)->tensors();
}

inline at::Tensor readRawFloats(const QString& path, const std::vector<int64_t>& shape) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    at::Tensor t = at::empty(shape, at::kFloat);
    if (static_cast<size_t>(bytes.size()) != static_cast<size_t>(t.numel()) * sizeof(float)) return {};
    std::memcpy(t.data_ptr<float>(), bytes.constData(), static_cast<size_t>(bytes.size()));
    return t;
}

/// Bitwise equality (NaN-safe, -0 != +0), for "bit-identical" claims.
inline bool bitIdentical(const at::Tensor& a, const at::Tensor& b) {
    if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) return false;
    const at::Tensor ca = a.contiguous(), cb = b.contiguous();
    if (ca.numel() == 0) return true;  // empty tensors may have null data (memcmp on null is UB)
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), static_cast<size_t>(ca.numel()) * ca.element_size()) == 0;
}

}  // namespace pareto::test
