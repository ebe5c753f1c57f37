// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pareto::detail {

/// @brief Collects conversion notes once each, in first-seen order, with how many
/// images each applied to, so a folder of mixed sizes does not flood Dataset::notes.
class NoteLog {
public:
    void add(const std::string& note, int64_t times = 1) {
        for (auto& [text, n] : m_notes)
            if (text == note) {
                n += times;
                return;
            }
        m_notes.emplace_back(note, times);
    }

    /// Notes for a set of `total` images: "(k of N images)" where a note applied to fewer.
    std::vector<std::string> finish(int64_t total, size_t maxNotes = 8) const {
        std::vector<std::string> out;
        int64_t restImages = 0;
        size_t restNotes = 0;
        for (const auto& [text, n] : m_notes) {
            if (out.size() + 1 >= maxNotes && m_notes.size() > maxNotes) {
                restImages += n;
                ++restNotes;
                continue;
            }
            out.push_back(n >= total ? text
                                     : text + " (" + std::to_string(n) + " of " + std::to_string(total) + " images)");
        }
        if (restNotes > 0)
            out.push_back("and " + std::to_string(restNotes) + " more conversions on " + std::to_string(restImages) +
                          " images");
        return out;
    }

private:
    std::vector<std::pair<std::string, int64_t>> m_notes;
};

}  // namespace pareto::detail
