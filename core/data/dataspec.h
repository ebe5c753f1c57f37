// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>

namespace pareto {

/// @brief Which images a data spec string names.
///   fashion-mnist[:DIR]   gzip'd IDX (default DIR /usr/share/datasets/fashion-mnist)
///   cifar10:DIR           CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin)
///   folder:DIR            PNG/JPEG images
struct DataSpec {
    enum class Kind { FashionMnist, Cifar10, Folder };
    Kind kind = Kind::FashionMnist;
    std::string dir;
    std::string text;  ///< normalized spec, e.g. "fashion-mnist:/usr/share/datasets/fashion-mnist"
};

/// Default location of the Debian package dataset-fashion-mnist.
inline constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

Result<DataSpec> parseDataSpec(const std::string& text);

enum class Split { Train, Validation, Test, All };
/// "train", "val", "test", "all"
const char* splitName(Split s);
Result<Split> parseSplit(const std::string& text);

}  // namespace pareto
