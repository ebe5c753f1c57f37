// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/result.h"
#include "data/dataset.h"
#include "data/dataspec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief How to load: which split, how many, and the model's input format.
struct DatasetLoadOptions {
    /// Unset: `test` for Fashion-MNIST / CIFAR-10, every image (`all`) for a folder.
    std::optional<Split> split;
    /// Keep the first N in split order; < 0 keeps all.
    int64_t limit = -1;
    /// Target channels (1 or 3) / height / width; <= 0 keeps the source's (for a folder:
    /// its first image in sorted order, whatever the split). Channel conversion
    /// (gray <-> RGB) and resizing (stretch; area when shrinking, bilinear when
    /// enlarging) are recorded in Dataset::notes.
    int channels = 0;
    int height = 0;
    int width = 0;
};

/// @brief Loads images as float32 NCHW in [0, 1], RGB order. Errors name the bad file.
///
/// Splits (documented in the README):
/// - Fashion-MNIST, CIFAR-10: `test` is the official test file in file order; `train` is
///   the first 90 % of the training file, `val` the last 10 %, in file order; `all` is the
///   training file followed by the test file. CIFAR-10's training file is data_batch_1..5.
/// - folder: images sorted by file name; with a split, image i (0-based, sorted) goes to
///   `test` if i % 10 == 9, `val` if i % 10 == 8, else `train`.
Result<Dataset> loadDataset(const DataSpec& spec, const DatasetLoadOptions& options,
                            const ProgressSink& progress = {});

/// The [C, H, W] the images of `spec` have before any conversion (for a folder: its first
/// image's header), read without loading them.
Result<std::vector<int64_t>> nativeImageShape(const DataSpec& spec, const DatasetLoadOptions& options = {});

/// @brief The per-pixel mean image used as the trivial baseline, [C, H, W] float32.
struct MeanImage {
    at::Tensor image;
    std::string source;  ///< e.g. "mean of 54000 train images" or "mean of the 500 evaluated images (folder has no training part)"
};

/// Mean over the whole training part (no limit) of the spec of the spec (same conversions as `evalOptions`), or, for a
/// folder loaded without a split, the mean of the evaluated images (said in `source`).
Result<MeanImage> loadMeanImage(const DataSpec& spec, const DatasetLoadOptions& evalOptions,
                                const ProgressSink& progress = {});

}  // namespace pareto
