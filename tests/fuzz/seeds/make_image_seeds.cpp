// SPDX-License-Identifier: Apache-2.0
// Small real PNG and JPEG seeds written by OpenCV (as tests/core/data's fixtures are), each
// prefixed with the fuzz_image selector byte (0: input.png, 1: input.jpg, 3: no extension).
// usage: make_image_seeds OUT_DIR
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <string>
#include <vector>

static void save(const std::string& dir, const std::string& name, char selector, const cv::Mat& m,
                 const std::string& ext, const std::vector<int>& params = {}) {
    std::vector<unsigned char> bytes;
    cv::imencode(ext, m, bytes, params);
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out.put(selector);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::string dir = argv[1];
    cv::Mat gray(6, 5, CV_8UC1), rgb(4, 7, CV_8UC3), rgba(3, 3, CV_8UC4), gray16(4, 4, CV_16UC1), rgb16(2, 3, CV_16UC3);
    cv::randu(gray, 0, 255);
    cv::randu(rgb, 0, 255);
    cv::randu(rgba, 0, 255);
    cv::randu(gray16, 0, 65535);
    cv::randu(rgb16, 0, 65535);
    save(dir, "gray8.png", 0, gray, ".png");
    save(dir, "rgb8.png", 0, rgb, ".png");
    save(dir, "rgba8.png", 3, rgba, ".png");
    save(dir, "gray16.png", 0, gray16, ".png");
    save(dir, "rgb16.png", 0, rgb16, ".png");
    save(dir, "gray1bit.png", 0, gray > 128, ".png", {cv::IMWRITE_PNG_BILEVEL, 1});
    save(dir, "gray.jpg", 1, gray, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 90});
    save(dir, "rgb.jpg", 1, rgb, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 50});
    save(dir, "rgb_progressive.jpg", 3, rgb, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    save(dir, "rgb_optimized.jpg", 1, rgb, ".jpg", {cv::IMWRITE_JPEG_OPTIMIZE, 1, cv::IMWRITE_JPEG_RST_INTERVAL, 1});
    return 0;
}
