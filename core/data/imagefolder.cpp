// SPDX-License-Identifier: Apache-2.0
#include "data/imagefolder.h"

#include "data/imagedecoder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace pareto::detail {
namespace {

namespace fs = std::filesystem;

bool hasImageExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

}  // namespace

Result<std::unique_ptr<ImageFolder>> ImageFolder::open(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return fail(dir + ": no such folder");
    std::unique_ptr<ImageFolder> folder(new ImageFolder);
    folder->m_dir = dir;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeEc;
        if (it->is_regular_file(typeEc) && hasImageExtension(it->path()))
            folder->m_files.push_back(it->path().filename().string());
    }
    if (ec) return fail(dir + ": cannot list (" + ec.message() + ")");
    if (folder->m_files.empty()) return fail(dir + ": no PNG or JPEG images (.png, .jpg, .jpeg)");
    // std::string compares as unsigned bytes: the documented byte order, locale-free.
    std::sort(folder->m_files.begin(), folder->m_files.end());
    folder->m_selected.resize(folder->m_files.size());
    for (size_t i = 0; i < folder->m_selected.size(); ++i) folder->m_selected[i] = i;
    return folder;
}

Status ImageFolder::read(int64_t i, PlanarImage& out, NoteLog& notes) {
    return decode((fs::path(m_dir) / m_files[m_selected[size_t(i)]]).string(), out, notes);
}

Status ImageFolder::decode(const std::string& path, PlanarImage& out, NoteLog& notes) {
    return decodeImageFile(path, out, notes);
}

}  // namespace pareto::detail
