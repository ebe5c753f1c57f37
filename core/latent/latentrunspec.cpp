// SPDX-License-Identifier: Apache-2.0
#include "latent/latentrunspec.h"
#include "common/jsontext.h"

#include "common/hash.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace pareto {
namespace {

// Exact and locale-independent: the key must not change with printing precision.
std::string exact(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

std::string LatentRunSpec::canonicalJson() const {
    // nlohmann::json keeps keys sorted; doubles go in as exact strings.
    const nlohmann::json j = {
        {"schema", "pareto.latent-run-inputs/1"},
        {"arch", {{"name", arch.name}, {"channels", arch.channels}, {"latent_dim", arch.latentDim},
                  {"image_size", arch.imageSize}}},
        {"train", {{"epochs", train.epochs}, {"batch_size", train.batchSize}, {"lr", exact(train.learningRate)},
                   {"beta", exact(train.beta)}, {"patience", train.patience}, {"seed", train.seed},
                   {"objective", "sse+beta*kl"}}},
        {"train_data", {{"shape", trainData.shape}, {"sha256", trainData.sha256}}},
        {"val_data", {{"shape", valData.shape}, {"sha256", valData.sha256}}}};
    return dumpJson(j);
}

std::string LatentRunSpec::key() const {
    const std::string s = canonicalJson();
    return sha256Hex(s.data(), s.size());
}

}  // namespace pareto
