// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"
#include "datafixtures.h"

#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

// A w x h image of `type` with a different value per pixel and channel; `flat` gives one
// colour per channel instead, which survives JPEG's chroma subsampling.
cv::Mat pattern(int h, int w, int type, bool flat = false) {
    cv::Mat m(h, w, type);
    const int channels = m.channels();
    const bool wide = m.depth() == CV_16U;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                const int v = flat ? 40 + c * 70 : (y * 31 + x * 17 + c * 70) % 256;
                if (wide)
                    m.ptr<uint16_t>(y)[x * channels + c] = uint16_t(std::min(65535, v * 257 + c));
                else
                    m.ptr<uint8_t>(y)[x * channels + c] = uint8_t(v);
            }
    return m;
}

// What the loader should give for m: RGB (or gray) planes in [0, 1].
at::Tensor expectedPlanes(const cv::Mat& m) {
    const int in = m.channels(), out = in >= 3 ? 3 : 1;
    const double scale = m.depth() == CV_16U ? 65535.0 : 255.0;
    at::Tensor t = at::empty({out, m.rows, m.cols}, at::kDouble);
    auto acc = t.accessor<double, 3>();
    for (int c = 0; c < out; ++c)
        for (int y = 0; y < m.rows; ++y)
            for (int x = 0; x < m.cols; ++x) {
                const int from = out == 3 ? 2 - c : 0;
                const double v = m.depth() == CV_16U ? m.ptr<uint16_t>(y)[x * in + from]
                                                     : m.ptr<uint8_t>(y)[x * in + from];
                acc[c][y][x] = v / scale;
            }
    return t;
}

std::string folderSpec(const QTemporaryDir& d) { return "folder:" + d.path().toStdString(); }

}  // namespace

class TestImageFolder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodesFormats_data();
    void decodesFormats();
    void pureRedIsChannelZero();
    void reportsUnreadableImage_data();
    void reportsUnreadableImage();
    void listsSortedImagesOnly();
    void resizesMixedSizesToFirst();
    void selectsSplits_data();
    void selectsSplits();
};

void TestImageFolder::decodesFormats_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("type");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<QStringList>("notes");
    QTest::addColumn<bool>("flat");
    QTest::newRow("8-bit gray PNG") << "a.png" << CV_8UC1 << 0.0 << QStringList{} << false;
    QTest::newRow("8-bit BGR PNG") << "a.png" << CV_8UC3 << 0.0 << QStringList{} << false;
    QTest::newRow("BGRA PNG, alpha dropped") << "a.png" << CV_8UC4 << 0.0 << QStringList{"dropped the alpha channel"}
                                             << false;
    QTest::newRow("16-bit gray PNG") << "a.png" << CV_16UC1 << 1e-7
                                     << QStringList{"scaled 16-bit pixels to [0, 1] (/65535)"} << false;
    QTest::newRow("16-bit BGR PNG") << "a.png" << CV_16UC3 << 1e-7
                                    << QStringList{"scaled 16-bit pixels to [0, 1] (/65535)"} << false;
    QTest::newRow("16-bit BGRA PNG") << "a.png" << CV_16UC4 << 1e-7
                                     << QStringList{"dropped the alpha channel",
                                                    "scaled 16-bit pixels to [0, 1] (/65535)"}
                                     << false;
    // JPEG is lossy: a flat colour checks the channel order within a few levels.
    QTest::newRow("JPEG colour, upper-case .JPG") << "a.JPG" << CV_8UC3 << 0.03 << QStringList{} << true;
    QTest::newRow("JPEG gray, .jpeg") << "a.jpeg" << CV_8UC1 << 0.03 << QStringList{} << false;
}

void TestImageFolder::decodesFormats() {
    QFETCH(QString, name);
    QFETCH(int, type);
    QFETCH(double, tolerance);
    QFETCH(QStringList, notes);
    QFETCH(bool, flat);
    QTemporaryDir dir;
    const cv::Mat m = pattern(6, 9, type, flat);
    QVERIFY(cv::imwrite(dir.filePath(name).toStdString(), m));
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), {});
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    const at::Tensor expected = expectedPlanes(m);
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{1, expected.size(0), 6, 9}));
    QVERIFY2(test::maxAbsDiff(ds->all()[0], expected) <= tolerance + 1e-7,
             qPrintable(QString::number(test::maxAbsDiff(ds->all()[0], expected))));
    QStringList got;
    for (const auto& n : ds->notes) got << QString::fromStdString(n);
    QCOMPARE(got, notes);
    QCOMPARE(ds->ids, std::vector<std::string>{name.toStdString()});
}

void TestImageFolder::pureRedIsChannelZero() {
    QTemporaryDir dir;
    QVERIFY(cv::imwrite(dir.filePath("red.png").toStdString(), cv::Mat(4, 4, CV_8UC3, cv::Scalar(0, 0, 255))));
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), {});
    QVERIFY(ds.ok());
    QCOMPARE(ds->all()[0][0].min().item<float>(), 1.0f);
    QCOMPARE(ds->all()[0][1].max().item<float>(), 0.0f);
    QCOMPARE(ds->all()[0][2].max().item<float>(), 0.0f);
}

void TestImageFolder::reportsUnreadableImage_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");  // the decoder's own reason, in the same line
    QTest::newRow("garbage bytes") << QByteArray("this is not a PNG file at all") << "not a PNG or JPEG image (unrecognised first bytes)";
    QTest::newRow("empty file") << QByteArray() << "not a PNG or JPEG image";
    QTest::newRow("PNG signature, then nothing") << QByteArray("\x89PNG\r\n\x1a\n", 8) << "cannot decode PNG (file ended early (truncated PNG))";
    QTest::newRow("JPEG start, then nothing") << QByteArray("\xff\xd8\xff\xe0", 4) << "cannot decode JPEG (";
    // Found by fuzz_image: libpng allocated the declared 1.9 GB before reading the chunk.
    QTest::newRow("PNG chunk longer than the file") << QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADCAYAAABWKLW/AAAANHNSR0IIHQEnANj/AdlyP6QUZ1/vSfaOIwG/xUGdnZ2dnZ2dne8t4QcBb/G7Bu50P7v6iNJbvgxAZUwSSXJPYDhpVFh0AAAAAElFTkSuQmCC")
        << "PNG chunk 'iTXt' at byte 97 declares 1917804600 bytes, past the end of the file (117 bytes)";
}

void TestImageFolder::reportsUnreadableImage() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(cv::imwrite(dir.filePath("a.png").toStdString(), pattern(4, 4, CV_8UC3)));
    QVERIFY(test::writeRaw(dir.filePath("broken.png"), bytes));
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), {});
    QVERIFY(!ds.ok());
    const QString msg = QString::fromStdString(ds.error().message);
    qInfo("%s", qPrintable(msg));
    QVERIFY2(msg.startsWith(dir.filePath("broken.png") + ": ") && msg.contains(reason) && !msg.contains('\n'), qPrintable(msg));
}

void TestImageFolder::listsSortedImagesOnly() {
    QTemporaryDir dir;
    for (const char* n : {"b.png", "a.png", "_c.jpg", "10.png", "9.png", "B.PNG"})
        QVERIFY(cv::imwrite(dir.filePath(n).toStdString(), pattern(4, 4, CV_8UC1)));
    QVERIFY(test::writeRaw(dir.filePath("notes.txt"), "not an image"));
    QVERIFY(test::writeRaw(dir.filePath("png"), "no extension"));
    QVERIFY(QDir(dir.path()).mkpath("sub"));
    QVERIFY(cv::imwrite(dir.filePath("sub/0.png").toStdString(), pattern(4, 4, CV_8UC1)));
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), {});
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    // Byte order: digits < upper case < '_' < lower case.
    QCOMPARE(ds->ids, (std::vector<std::string>{"10.png", "9.png", "B.PNG", "_c.jpg", "a.png", "b.png"}));

    QTemporaryDir empty;
    QVERIFY(test::writeRaw(empty.filePath("readme.txt"), "x"));
    const auto none = loadDataset(*parseDataSpec(folderSpec(empty)), {});
    QVERIFY(!none.ok());
    QVERIFY(QString::fromStdString(none.error().message).contains("no PNG or JPEG images"));
}

void TestImageFolder::resizesMixedSizesToFirst() {
    QTemporaryDir dir;
    QVERIFY(cv::imwrite(dir.filePath("a.png").toStdString(), pattern(8, 8, CV_8UC3)));
    QVERIFY(cv::imwrite(dir.filePath("b.png").toStdString(), pattern(16, 12, CV_8UC3)));
    QVERIFY(cv::imwrite(dir.filePath("c.png").toStdString(), pattern(8, 8, CV_8UC1)));
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), {});
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{3, 3, 8, 8}));
    QCOMPARE(ds->notes, (std::vector<std::string>{"resized 16x12 -> 8x8 (area) (1 of 3 images)",
                                                  "converted 1 -> 3 channels (replicated gray) (1 of 3 images)"}));
}

void TestImageFolder::selectsSplits_data() {
    QTest::addColumn<int>("split");  // -1 = unset
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("someIds");  // first and last
    QTest::newRow("no split: every image") << -1 << -1 << 25 << QStringList{"img00.png", "img24.png"};
    QTest::newRow("train: i % 10 < 8") << int(Split::Train) << -1 << 21 << QStringList{"img00.png", "img24.png"};
    QTest::newRow("val: i % 10 == 8") << int(Split::Validation) << -1 << 2 << QStringList{"img08.png", "img18.png"};
    QTest::newRow("test: i % 10 == 9") << int(Split::Test) << -1 << 2 << QStringList{"img09.png", "img19.png"};
    QTest::newRow("train, limit 9 skips img08 and img09")
        << int(Split::Train) << 9 << 9 << QStringList{"img00.png", "img10.png"};
    QTest::newRow("no split, limit 3") << -1 << 3 << 3 << QStringList{"img00.png", "img02.png"};
}

void TestImageFolder::selectsSplits() {
    QFETCH(int, split);
    QFETCH(int, limit);
    QFETCH(int, count);
    QFETCH(QStringList, someIds);
    QTemporaryDir dir;
    for (int i = 24; i >= 0; --i)  // written out of order: the loader sorts
        QVERIFY(cv::imwrite(dir.filePath(QString("img%1.png").arg(i, 2, 10, QChar('0'))).toStdString(),
                            cv::Mat(3, 3, CV_8UC1, cv::Scalar(i * 10))));
    DatasetLoadOptions o;
    if (split >= 0) o.split = Split(split);
    o.limit = limit;
    const auto ds = loadDataset(*parseDataSpec(folderSpec(dir)), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(ds->size(), count);
    QCOMPARE(QString::fromStdString(ds->ids.front()), someIds[0]);
    QCOMPARE(QString::fromStdString(ds->ids.back()), someIds[1]);
    // Pixels belong to the named file.
    const int lastIndex = someIds[1].mid(3, 2).toInt();
    QCOMPARE(ds->all()[count - 1][0][1][1].item<float>(), float(lastIndex * 10) / 255.0f);
    const std::string splitText = split >= 0 ? splitName(Split(split)) : "all";
    QCOMPARE(ds->identity, folderSpec(dir) + " split=" + splitText + " n=" + std::to_string(count));
}

QTEST_GUILESS_MAIN(TestImageFolder)
#include "tst_imagefolder.moc"
