// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"
#include "datafixtures.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

// Fashion-MNIST IDX files: the real Debian dataset checked against numpy, and small
// synthetic files (gzip'd and raw, good and broken).
class TestIdxLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void realTestImagesMatchNumpy();
    void realValidationStartsAt90Percent();
    void realTrainMeanMatchesNumpy();
    void readsSyntheticFiles_data();
    void readsSyntheticFiles();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void reportsMissingFiles_data();
    void reportsMissingFiles();

private:
    bool m_haveReal = false;
    QJsonObject m_reference;
};

void TestIdxLoader::initTestCase() {
    m_haveReal = QFile::exists(QString(kDefaultFashionMnistDir) + "/t10k-images-idx3-ubyte.gz") &&
                 QFile::exists(QString(kDefaultFashionMnistDir) + "/train-images-idx3-ubyte.gz");
    if (!m_haveReal) return;
    const auto r = test::runPythonFixture("data_reference.py", {kDefaultFashionMnistDir, "3"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(r.out.toUtf8(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    m_reference = doc.object();
}

void TestIdxLoader::realTestImagesMatchNumpy() {
    if (!m_haveReal) QSKIP("dataset-fashion-mnist is not installed");
    DatasetLoadOptions o;
    o.limit = 3;
    const auto ds = loadDataset(*parseDataSpec("fashion-mnist"), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{3, 1, 28, 28}));
    QCOMPARE(ds->all().scalar_type(), at::kFloat);
    QVERIFY(ds->all().is_contiguous());
    QCOMPARE(ds->identity, std::string("fashion-mnist:/usr/share/datasets/fashion-mnist split=test n=3"));
    QCOMPARE(ds->ids, (std::vector<std::string>{"t10k-images-idx3-ubyte.gz#0", "t10k-images-idx3-ubyte.gz#1",
                                                 "t10k-images-idx3-ubyte.gz#2"}));
    QVERIFY(ds->notes.empty());

    const QJsonArray first = m_reference["first_test"].toArray();
    QCOMPARE(first.size(), 3);
    const float* px = ds->all().data_ptr<float>();
    for (int i = 0; i < 3; ++i) {
        const QJsonArray img = first[i].toArray();
        QCOMPARE(img.size(), 28 * 28);
        for (int k = 0; k < img.size(); ++k)
            QCOMPARE(px[i * 784 + k], float(img[k].toInt()) / 255.0f);
    }
}

void TestIdxLoader::realValidationStartsAt90Percent() {
    if (!m_haveReal) QSKIP("dataset-fashion-mnist is not installed");
    DatasetLoadOptions o;
    o.split = Split::Validation;
    o.limit = 1;
    const auto ds = loadDataset(*parseDataSpec("fashion-mnist"), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(m_reference["train_part"].toInt(), 54000);
    QCOMPARE(ds->ids.front(), std::string("train-images-idx3-ubyte.gz#54000"));
    const QJsonArray img = m_reference["val_first"].toArray();
    const float* px = ds->all().data_ptr<float>();
    for (int k = 0; k < img.size(); ++k) QCOMPARE(px[k], float(img[k].toInt()) / 255.0f);
}

void TestIdxLoader::realTrainMeanMatchesNumpy() {
    if (!m_haveReal) QSKIP("dataset-fashion-mnist is not installed");
    const auto mean = loadMeanImage(*parseDataSpec("fashion-mnist"), DatasetLoadOptions{});
    QVERIFY2(mean.ok(), mean.ok() ? "" : mean.error().message.c_str());
    QCOMPARE(mean->source, std::string("mean of 54000 train images"));
    QCOMPARE(mean->image.sizes().vec(), (std::vector<int64_t>{1, 28, 28}));
    const QJsonArray ref = m_reference["train_mean"].toArray();
    QCOMPARE(ref.size(), 784);
    const float* px = mean->image.data_ptr<float>();
    for (int k = 0; k < ref.size(); ++k) QVERIFY(std::abs(double(px[k]) - ref[k].toDouble()) < 1e-6);
}

void TestIdxLoader::readsSyntheticFiles_data() {
    QTest::addColumn<QString>("fileName");  // test file name as written
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::newRow("gzip'd, 5 images 4x3") << "t10k-images-idx3-ubyte.gz" << true << 5 << 4 << 3;
    QTest::newRow("uncompressed, 5 images 4x3") << "t10k-images-idx3-ubyte" << false << 5 << 4 << 3;
    QTest::newRow("raw bytes in a .gz name") << "t10k-images-idx3-ubyte.gz" << false << 3 << 2 << 2;
    QTest::newRow("gzip'd, 2000 images 28x28 (several chunks)") << "t10k-images-idx3-ubyte.gz" << true << 2000
                                                                << 28 << 28;
}

void TestIdxLoader::readsSyntheticFiles() {
    QFETCH(QString, fileName);
    QFETCH(bool, gzip);
    QFETCH(int, count);
    QFETCH(int, rows);
    QFETCH(int, cols);
    QTemporaryDir dir;
    QVERIFY(test::writeIdx(dir.filePath(fileName), count, rows, cols, gzip));
    const auto ds = loadDataset(*parseDataSpec("fashion-mnist:" + dir.path().toStdString()), {});
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{count, 1, rows, cols}));
    QCOMPARE(QString::fromStdString(ds->ids.back()), fileName + "#" + QString::number(count - 1));
    const at::Tensor all = ds->all();
    const auto acc = all.accessor<float, 4>();
    for (int i = 0; i < count; ++i)
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) QCOMPARE(acc[i][0][y][x], float(test::idxPixel(i, y, x)) / 255.0f);
}

void TestIdxLoader::rejectsBadFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<int>("cutTail");  // bytes removed from the end of the file as written
    QTest::addColumn<QString>("problem");
    const QByteArray good = test::idxBytes(0x803, 50, 28, 28);
    QTest::newRow("labels file (magic 0x801)") << test::idxBytes(0x801, 4, 1, 1) << true << 0 << "magic 0x00000801";
    QTest::newRow("float IDX (magic 0x0d03)") << test::idxBytes(0xd03, 4, 2, 2) << false << 0 << "magic 0x00000d03";
    QTest::newRow("raw, last image cut short") << good << false << 100 << "truncated";
    QTest::newRow("raw, trailing bytes") << good + QByteArray(7, 'x') << false << 0 << "trailing bytes";
    QTest::newRow("gzip'd, stream cut in the middle") << good << true << -2 << "truncated";
    QTest::newRow("gzip'd, header says more images") << good.left(16 + 784 * 10) << true << 0 << "truncated";
    QTest::newRow("header only, 8 bytes") << good.left(8) << false << 0 << "too short for an IDX header";
    QTest::newRow("empty file") << QByteArray() << true << 0 << "too short for an IDX header";
    QTest::newRow("zero images") << test::idxBytes(0x803, 0, 28, 28) << true << 0 << "no images";
    // A gzip bomb behind a one-image header: refused once inflating passes the declared
    // size, not after inflating all of it ("(at least)": it stopped early).
    QTest::newRow("gzip'd, inflates far past the header") << test::idxBytes(0x803, 1, 28, 28) + QByteArray(32 << 20, '\0')
                                                           << true << 0 << "bytes (at least) after inflating";
    QTest::newRow("zero-sized images") << test::idxBytes(0x803, 3, 0, 28) << false << 0 << "implausible image size";
}

void TestIdxLoader::rejectsBadFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(bool, gzip);
    QFETCH(int, cutTail);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    const QString path = dir.filePath("t10k-images-idx3-ubyte.gz");
    QVERIFY(gzip ? test::writeGzip(path, bytes) : test::writeRaw(path, bytes));
    if (cutTail != 0) {
        QFile f(path);
        // -2 = keep half of the file
        const qint64 size = f.size();
        QVERIFY(f.resize(cutTail == -2 ? size / 2 : size - cutTail));
    }
    const auto ds = loadDataset(*parseDataSpec("fashion-mnist:" + dir.path().toStdString()), {});
    QVERIFY(!ds.ok());
    QVERIFY(!ds.error().isCancelled());
    const QString msg = QString::fromStdString(ds.error().message);
    QVERIFY2(msg.contains(path), qPrintable(msg));
    QVERIFY2(msg.contains(problem), qPrintable(msg));
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));
}

void TestIdxLoader::reportsMissingFiles_data() {
    QTest::addColumn<bool>("makeDir");
    QTest::addColumn<int>("split");
    QTest::addColumn<QString>("problem");
    QTest::newRow("folder missing") << false << int(Split::Test) << "no such folder";
    QTest::newRow("test file missing") << true << int(Split::Test) << "has neither t10k-images-idx3-ubyte.gz nor";
    QTest::newRow("training file missing") << true << int(Split::Train)
                                           << "has neither train-images-idx3-ubyte.gz nor";
}

void TestIdxLoader::reportsMissingFiles() {
    QFETCH(bool, makeDir);
    QFETCH(int, split);
    QFETCH(QString, problem);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("fm");
    if (makeDir) QVERIFY(QDir().mkpath(dir));
    DatasetLoadOptions o;
    o.split = Split(split);
    const auto ds = loadDataset(*parseDataSpec("fashion-mnist:" + dir.toStdString()), o);
    QVERIFY(!ds.ok());
    const QString msg = QString::fromStdString(ds.error().message);
    QVERIFY2(msg.contains(dir) && msg.contains(problem), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestIdxLoader)
#include "tst_idxloader.moc"
