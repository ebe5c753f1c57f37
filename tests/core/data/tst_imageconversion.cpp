// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"
#include "datafixtures.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

cv::Mat randomImage(int h, int w, int type) {
    cv::Mat m(h, w, type);
    cv::RNG rng(1234);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

// The independent reference: OpenCV's own float pipeline on the same decoded pixels.
at::Tensor reference(const cv::Mat& bgr8, int channels, int h, int w, int interpolation) {
    cv::Mat f;
    bgr8.convertTo(f, CV_32F, 1.0 / 255.0);
    std::vector<cv::Mat> planes;
    if (f.channels() == 3) {
        std::vector<cv::Mat> bgr;
        cv::split(f, bgr);
        planes = {bgr[2], bgr[1], bgr[0]};
    } else {
        planes = {f};
    }
    if (channels == 1 && planes.size() == 3) planes = {0.299f * planes[0] + 0.587f * planes[1] + 0.114f * planes[2]};
    at::Tensor out = at::empty({channels, h, w}, at::kFloat);
    for (int c = 0; c < channels; ++c) {
        cv::Mat src = planes[planes.size() == 1 ? 0 : size_t(c)], dst;
        if (src.rows == h && src.cols == w)
            dst = src;
        else
            cv::resize(src, dst, cv::Size(w, h), 0, 0, interpolation);
        dst.copyTo(cv::Mat(h, w, CV_32F, out[c].data_ptr<float>()));
    }
    return out;
}

}  // namespace

// Conversions to the model's input: stretch resize (area shrinking, bilinear enlarging)
// and gray <-> RGB, each checked against OpenCV directly and named in Dataset::notes.
class TestImageConversion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void convertsToModelInput_data();
    void convertsToModelInput();
    void rejectsUnsupportedChannels();
    void largeSetsConvertPerBatch();
};

void TestImageConversion::convertsToModelInput_data() {
    QTest::addColumn<int>("srcType");
    QTest::addColumn<int>("srcH");
    QTest::addColumn<int>("srcW");
    QTest::addColumn<int>("channels");  // target; 0 = keep
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("interpolation");
    QTest::addColumn<QStringList>("notes");
    QTest::newRow("gray 28x28 -> 64x64 bilinear")
        << CV_8UC1 << 28 << 28 << 0 << 64 << 64 << int(cv::INTER_LINEAR)
        << QStringList{"resized 28x28 -> 64x64 (bilinear)"};
    QTest::newRow("RGB 64x64 -> 32x32 area")
        << CV_8UC3 << 64 << 64 << 0 << 32 << 32 << int(cv::INTER_AREA) << QStringList{"resized 64x64 -> 32x32 (area)"};
    QTest::newRow("RGB 30x20 -> 10x7 area, non-integer factor")
        << CV_8UC3 << 30 << 20 << 0 << 10 << 7 << int(cv::INTER_AREA) << QStringList{"resized 30x20 -> 10x7 (area)"};
    QTest::newRow("gray 28x28 -> 56x14, one side enlarges: bilinear")
        << CV_8UC1 << 28 << 28 << 0 << 56 << 14 << int(cv::INTER_LINEAR)
        << QStringList{"resized 28x28 -> 56x14 (bilinear)"};
    QTest::newRow("same size: nothing to do") << CV_8UC3 << 16 << 16 << 3 << 16 << 16 << -1 << QStringList{};
    QTest::newRow("gray -> RGB replicates") << CV_8UC1 << 12 << 12 << 3 << 0 << 0 << -1
                                            << QStringList{"converted 1 -> 3 channels (replicated gray)"};
    QTest::newRow("RGB -> gray with BT.601 weights")
        << CV_8UC3 << 12 << 12 << 1 << 0 << 0 << -1
        << QStringList{"converted 3 -> 1 channels (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B)"};
    QTest::newRow("gray 28x28 -> RGB 64x64")
        << CV_8UC1 << 28 << 28 << 3 << 64 << 64 << int(cv::INTER_LINEAR)
        << QStringList{"converted 1 -> 3 channels (replicated gray)", "resized 28x28 -> 64x64 (bilinear)"};
    QTest::newRow("RGB 64x64 -> gray 32x32")
        << CV_8UC3 << 64 << 64 << 1 << 32 << 32 << int(cv::INTER_AREA)
        << QStringList{"converted 3 -> 1 channels (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B)",
                       "resized 64x64 -> 32x32 (area)"};
}

void TestImageConversion::convertsToModelInput() {
    QFETCH(int, srcType);
    QFETCH(int, srcH);
    QFETCH(int, srcW);
    QFETCH(int, channels);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, interpolation);
    QFETCH(QStringList, notes);
    QTemporaryDir dir;
    const cv::Mat img = randomImage(srcH, srcW, srcType);
    QVERIFY(cv::imwrite(dir.filePath("x.png").toStdString(), img));
    DatasetLoadOptions o;
    o.channels = channels;
    o.height = h;
    o.width = w;
    const auto ds = loadDataset(*parseDataSpec("folder:" + dir.path().toStdString()), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());

    const int outC = channels > 0 ? channels : img.channels();
    const int outH = h > 0 ? h : srcH, outW = w > 0 ? w : srcW;
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{1, outC, outH, outW}));
    const at::Tensor expected = reference(img, outC, outH, outW, interpolation < 0 ? cv::INTER_LINEAR : interpolation);
    const double diff = test::maxAbsDiff(ds->all()[0], expected);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
    QStringList got;
    for (const auto& n : ds->notes) got << QString::fromStdString(n);
    QCOMPARE(got, notes);
}

void TestImageConversion::rejectsUnsupportedChannels() {
    QTemporaryDir dir;
    QVERIFY(cv::imwrite(dir.filePath("x.png").toStdString(), randomImage(4, 4, CV_8UC3)));
    DatasetLoadOptions o;
    o.channels = 4;
    const auto ds = loadDataset(*parseDataSpec("folder:" + dir.path().toStdString()), o);
    QVERIFY(!ds.ok());
    QVERIFY(QString::fromStdString(ds.error().message).contains("only to 1 (gray) or 3 (RGB)"));
}

void TestImageConversion::largeSetsConvertPerBatch() {
    // 10,000 Fashion-MNIST images for a 3 x 224 x 224 model: 6 GB converted, 31 MB as stored.
    auto spec = parseDataSpec("fashion-mnist");
    QVERIFY(spec.ok());
    DatasetLoadOptions all;
    all.split = Split::Test;
    all.channels = 3;
    all.height = all.width = 224;
    auto big = loadDataset(*spec, all);
    QVERIFY2(big.ok(), big.ok() ? "" : big.error().message.c_str());
    QCOMPARE(big->size(), qint64(10000));
    QVERIFY(big->convertsPerBatch());
    QCOMPARE(big->heldBytes(), qint64(10000) * 28 * 28 * 4);
    QCOMPARE(big->shape(), (std::vector<int64_t>{3, 224, 224}));
    // A batch is what a small set, held converted, holds for the same images.
    DatasetLoadOptions few = all;
    few.limit = 5;
    auto small = loadDataset(*spec, few);
    QVERIFY(small.ok());
    QVERIFY(!small->convertsPerBatch());
    QVERIFY(at::equal(big->batch(0, 5), small->all()));
    QVERIFY(at::equal(big->select(std::vector<int64_t>{4, 0}), small->select(std::vector<int64_t>{4, 0})));
    // The same conversion is noted for both, whatever the counts say.
    QCOMPARE(big->notes.size(), small->notes.size());
}

QTEST_GUILESS_MAIN(TestImageConversion)
#include "tst_imageconversion.moc"
