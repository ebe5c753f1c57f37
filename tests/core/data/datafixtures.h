// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small synthetic data files for the core/data tests: IDX (gzip'd or raw), CIFAR-10
// batches, and tensor comparison helpers.

#include <ATen/ATen.h>
#include <zlib.h>

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cstdint>
#include <functional>

namespace pareto::test {

/// Deterministic pixel of image i of a synthetic IDX file.
inline uint8_t idxPixel(int64_t i, int y, int x) { return uint8_t((i * 37 + y * 11 + x * 5) % 256); }

inline QByteArray idxBytes(uint32_t magic, int64_t n, int rows, int cols,
                           const std::function<uint8_t(int64_t, int, int)>& pixel = idxPixel) {
    QByteArray b;
    for (uint32_t v : {magic, uint32_t(n), uint32_t(rows), uint32_t(cols)})
        for (int shift = 24; shift >= 0; shift -= 8) b.append(char((v >> shift) & 0xff));
    for (int64_t i = 0; i < n; ++i)
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) b.append(char(pixel(i, y, x)));
    return b;
}

inline bool writeRaw(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

inline bool writeGzip(const QString& path, const QByteArray& bytes) {
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    if (!f) return false;
    const bool ok = gzwrite(f, bytes.constData(), unsigned(bytes.size())) == bytes.size();
    return gzclose(f) == Z_OK && ok;
}

inline bool writeIdx(const QString& path, int64_t n, int rows, int cols, bool gz) {
    const QByteArray b = idxBytes(0x00000803, n, rows, cols);
    return gz ? writeGzip(path, b) : writeRaw(path, b);
}

/// A CIFAR-10 record of image `i`: label, then R, G, B planes with distinct values.
inline uint8_t cifarPixel(int64_t i, int channel, int y, int x) {
    return uint8_t((i * 13 + channel * 80 + y * 3 + x) % 256);
}

inline bool writeCifar(const QString& path, int64_t n, int64_t firstIndex) {
    QByteArray b;
    for (int64_t i = firstIndex; i < firstIndex + n; ++i) {
        b.append(char(i % 10));
        for (int c = 0; c < 3; ++c)
            for (int y = 0; y < 32; ++y)
                for (int x = 0; x < 32; ++x) b.append(char(cifarPixel(i, c, y, x)));
    }
    return writeRaw(path, b);
}

inline double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace pareto::test
