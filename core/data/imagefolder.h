// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/imagesource.h"

#include <memory>
#include <string>
#include <vector>

namespace pareto::detail {

/// @brief The PNG/JPEG files of one folder (non-recursive, extension case-insensitive),
/// sorted by file name in byte order; a selection of them is decoded on demand.
class ImageFolder : public ImageSource {
public:
    /// Lists the folder; an error if it is missing or holds no PNG/JPEG file.
    static Result<std::unique_ptr<ImageFolder>> open(const std::string& dir);

    /// Every image file name, sorted.
    const std::vector<std::string>& files() const { return m_files; }
    /// Which of files() this source yields, in order (default: all).
    void select(std::vector<size_t> indices) { m_selected = std::move(indices); }

    int64_t count() const override { return int64_t(m_selected.size()); }
    std::string id(int64_t i) const override { return m_files[m_selected[size_t(i)]]; }
    Status read(int64_t i, PlanarImage& out, NoteLog& notes) override;
    int64_t progressStep() const override { return 1; }

    /// Reads one image file as RGB (or gray) planes in [0, 1].
    static Status decode(const std::string& path, PlanarImage& out, NoteLog& notes);

private:
    ImageFolder() = default;

    std::string m_dir;
    std::vector<std::string> m_files;
    std::vector<size_t> m_selected;
};

}  // namespace pareto::detail
