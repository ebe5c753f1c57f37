// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/imagesource.h"
#include "data/recordfile.h"

#include <memory>
#include <vector>

namespace pareto::detail {

/// @brief Images from runs of records in fixed-record files (IDX, CIFAR-10 batches),
/// read in chunks so a whole file never sits in memory.
class RecordSource : public ImageSource {
public:
    /// A run of `count` records starting at record `first` of files[file].
    struct Segment {
        size_t file = 0;
        int64_t first = 0;
        int64_t count = 0;
    };

    /// All files must share one image shape.
    RecordSource(std::vector<std::unique_ptr<RecordFile>> files, std::vector<Segment> segments);

    int64_t count() const override { return m_total; }
    std::string id(int64_t i) const override;
    Status read(int64_t i, PlanarImage& out, NoteLog& notes) override;
    bool uniformShape() const override { return true; }

    /// Keeps the first n images (n >= 0).
    void truncate(int64_t n);

private:
    /// Segment holding image i and the record index in its file.
    std::pair<const Segment*, int64_t> locate(int64_t i) const;

    static constexpr int64_t kChunkRecords = 1024;
    std::vector<std::unique_ptr<RecordFile>> m_files;
    std::vector<Segment> m_segments;
    std::vector<int64_t> m_starts;  ///< first image index of each segment
    int64_t m_total = 0;

    std::vector<uint8_t> m_chunk;
    size_t m_chunkFile = 0;
    int64_t m_chunkFirst = 0;
    int64_t m_chunkCount = 0;
};

}  // namespace pareto::detail
