// SPDX-License-Identifier: Apache-2.0
#include "data/recordsource.h"

#include <algorithm>

namespace pareto::detail {
RecordSource::RecordSource(std::vector<std::unique_ptr<RecordFile>> files, std::vector<Segment> segments)
    : m_files(std::move(files)), m_segments(std::move(segments)) {
    for (const Segment& s : m_segments) {
        m_starts.push_back(m_total);
        m_total += s.count;
    }
}

void RecordSource::truncate(int64_t n) {
    std::vector<Segment> kept;
    int64_t left = n;
    for (const Segment& s : m_segments) {
        if (left <= 0) break;
        kept.push_back({s.file, s.first, std::min(s.count, left)});
        left -= kept.back().count;
    }
    m_segments = std::move(kept);
    m_starts.clear();
    m_total = 0;
    for (const Segment& s : m_segments) {
        m_starts.push_back(m_total);
        m_total += s.count;
    }
}

std::pair<const RecordSource::Segment*, int64_t> RecordSource::locate(int64_t i) const {
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), i);
    const size_t k = size_t(it - m_starts.begin()) - 1;
    return {&m_segments[k], m_segments[k].first + (i - m_starts[k])};
}

std::string RecordSource::id(int64_t i) const {
    const auto [seg, record] = locate(i);
    return m_files[seg->file]->name() + "#" + std::to_string(record);
}

Status RecordSource::read(int64_t i, PlanarImage& out, NoteLog& /*notes*/) {
    if (i < 0 || i >= m_total) return fail("image index " + std::to_string(i) + " out of range");
    const auto [seg, record] = locate(i);
    RecordFile& file = *m_files[seg->file];
    const int64_t recordBytes = file.recordBytes();

    const bool inChunk = seg->file == m_chunkFile && record >= m_chunkFirst && record < m_chunkFirst + m_chunkCount;
    if (!inChunk) {
        const int64_t n = std::min(kChunkRecords, seg->first + seg->count - record);
        m_chunk.resize(size_t(n * recordBytes));
        m_chunkCount = 0;
        if (Status s = file.readRecords(record, n, m_chunk.data()); !s) return s;
        m_chunkFile = seg->file;
        m_chunkFirst = record;
        m_chunkCount = n;
    }

    out.shape = file.shape();
    const int64_t elements = out.shape.elements();
    out.pixels.resize(size_t(elements));
    const uint8_t* src = m_chunk.data() + (record - m_chunkFirst) * recordBytes + file.pixelOffset();
    const auto& table = byteToUnitTable();
    float* dst = out.pixels.data();
    for (int64_t k = 0; k < elements; ++k) dst[k] = table[src[k]];
    return Status::success();
}

}  // namespace pareto::detail
