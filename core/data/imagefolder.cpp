#include "data/imagefolder.h"

#include <opencv2/imgcodecs.hpp>

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

// Interleaved B,G,R[,A] (or gray[,alpha]) of type T -> planes R,G,B (or gray), scaled.
template <class T>
void toPlanes(const cv::Mat& m, int outChannels, float scale, float* dst) {
    const int h = m.rows, w = m.cols, inChannels = m.channels();
    const int64_t plane = int64_t(h) * w;
    for (int c = 0; c < outChannels; ++c) {
        // OpenCV decodes colour as BGR: plane c (R, G, B) comes from channel 2 - c.
        const int from = outChannels == 3 ? 2 - c : 0;
        float* out = dst + c * plane;
        for (int y = 0; y < h; ++y) {
            const T* row = m.ptr<T>(y);
            for (int x = 0; x < w; ++x) out[int64_t(y) * w + x] = float(row[x * inChannels + from]) * scale;
        }
    }
}

// uint8 gets the exact v / 255.0f table rather than a multiply by 1/255.
void bytesToPlanes(const cv::Mat& m, int outChannels, float* dst) {
    const auto& table = byteToUnitTable();
    const int h = m.rows, w = m.cols, inChannels = m.channels();
    const int64_t plane = int64_t(h) * w;
    for (int c = 0; c < outChannels; ++c) {
        const int from = outChannels == 3 ? 2 - c : 0;
        float* out = dst + c * plane;
        for (int y = 0; y < h; ++y) {
            const uint8_t* row = m.ptr<uint8_t>(y);
            for (int x = 0; x < w; ++x) out[int64_t(y) * w + x] = table[row[x * inChannels + from]];
        }
    }
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
    cv::Mat m;
    try {
        m = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        return fail(path + ": cannot read image (" + oneLine(e.what()) + ")");
    }
    if (m.empty()) return fail(path + ": cannot read image (missing, corrupt or unsupported format)");

    const int inChannels = m.channels();
    if (inChannels < 1 || inChannels > 4)
        return fail(path + ": unsupported channel count " + std::to_string(inChannels));
    // 2 = gray + alpha, 4 = BGRA: the alpha plane is not part of the model's input.
    const int outChannels = inChannels >= 3 ? 3 : 1;
    if (inChannels == 2 || inChannels == 4) notes.add("dropped the alpha channel");

    out.shape = {outChannels, m.rows, m.cols};
    out.pixels.resize(size_t(out.shape.elements()));
    switch (m.depth()) {
        case CV_8U: bytesToPlanes(m, outChannels, out.pixels.data()); break;
        case CV_16U:
            toPlanes<uint16_t>(m, outChannels, 1.0f / 65535.0f, out.pixels.data());
            notes.add("scaled 16-bit pixels to [0, 1] (/65535)");
            break;
        default: return fail(path + ": unsupported pixel depth (only 8- and 16-bit images)");
    }
    return Status::success();
}

}  // namespace pareto::detail
