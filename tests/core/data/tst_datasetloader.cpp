// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"
#include "datafixtures.h"

#include <opencv2/imgcodecs.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace pareto;

// Splits, limits, mean images and cancellation of loadDataset / loadMeanImage, on a
// synthetic Fashion-MNIST folder (20 training images, 7 test images, 4x3 pixels).
class TestDatasetLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void selectsSplits_data();
    void selectsSplits();
    void rejectsEmptySelection_data();
    void rejectsEmptySelection();
    void meanImageMatchesDirectMean_data();
    void meanImageMatchesDirectMean();
    void cancelReturnsCancelled_data();
    void cancelReturnsCancelled();
    void reportsProgressToTheEnd();

private:
    QTemporaryDir m_idx;
    QTemporaryDir m_folder;
    DataSpec idxSpec() const { return *parseDataSpec("fashion-mnist:" + m_idx.path().toStdString()); }
    DataSpec folderSpec() const { return *parseDataSpec("folder:" + m_folder.path().toStdString()); }
};

void TestDatasetLoader::initTestCase() {
    QVERIFY(test::writeIdx(m_idx.filePath("train-images-idx3-ubyte.gz"), 20, 4, 3, true));
    QVERIFY(test::writeIdx(m_idx.filePath("t10k-images-idx3-ubyte"), 7, 4, 3, false));
    cv::RNG rng(7);
    for (int i = 0; i < 23; ++i) {
        // Mixed sizes and channels: the mean must follow the per-image conversions.
        cv::Mat m(8 + i % 3, 8 + i % 4, i % 5 == 4 ? CV_8UC1 : CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, 0, 256);
        QVERIFY(cv::imwrite(m_folder.filePath(QString("f%1.png").arg(i, 2, 10, QChar('0'))).toStdString(), m));
    }
}

void TestDatasetLoader::selectsSplits_data() {
    QTest::addColumn<int>("split");  // -1 = unset
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("ids");
    const QString tr = "train-images-idx3-ubyte.gz#", te = "t10k-images-idx3-ubyte#";
    QStringList train, test;
    for (int i = 0; i < 18; ++i) train << tr + QString::number(i);
    for (int i = 0; i < 7; ++i) test << te + QString::number(i);
    QTest::newRow("default = test file") << -1 << -1 << test;
    QTest::newRow("train = first 90 %") << int(Split::Train) << -1 << train;
    QTest::newRow("val = last 10 %") << int(Split::Validation) << -1 << QStringList{tr + "18", tr + "19"};
    QTest::newRow("all = training file then test file")
        << int(Split::All) << -1 << (train + QStringList{tr + "18", tr + "19"} + test);
    QTest::newRow("test, limit 3") << int(Split::Test) << 3 << test.mid(0, 3);
    QTest::newRow("val, limit 1") << int(Split::Validation) << 1 << QStringList{tr + "18"};
    QTest::newRow("train, limit above the split size") << int(Split::Train) << 1000 << train;
}

void TestDatasetLoader::selectsSplits() {
    QFETCH(int, split);
    QFETCH(int, limit);
    QFETCH(QStringList, ids);
    DatasetLoadOptions o;
    if (split >= 0) o.split = Split(split);
    o.limit = limit;
    const auto ds = loadDataset(idxSpec(), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QStringList got;
    for (const auto& id : ds->ids) got << QString::fromStdString(id);
    QCOMPARE(got, ids);
    QCOMPARE(ds->size(), ids.size());
    // Each image holds the pixels of the record its id names.
    for (int n = 0; n < ids.size(); ++n) {
        const int record = ids[n].section('#', 1).toInt();
        QCOMPARE(ds->all()[n][0][3][2].item<float>(), float(test::idxPixel(record, 3, 2)) / 255.0f);
    }
    const std::string splitText = split >= 0 ? splitName(Split(split)) : "test";
    QCOMPARE(ds->identity, idxSpec().text + " split=" + splitText + " n=" + std::to_string(ids.size()));
}

void TestDatasetLoader::rejectsEmptySelection_data() {
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("problem");
    QTest::newRow("limit 0") << 0 << "split=test limit=0: selects no images";
}

void TestDatasetLoader::rejectsEmptySelection() {
    QFETCH(int, limit);
    QFETCH(QString, problem);
    DatasetLoadOptions o;
    o.limit = limit;
    const auto ds = loadDataset(idxSpec(), o);
    QVERIFY(!ds.ok());
    QVERIFY2(QString::fromStdString(ds.error().message).contains(problem), ds.error().message.c_str());
}

void TestDatasetLoader::meanImageMatchesDirectMean_data() {
    QTest::addColumn<bool>("folder");
    QTest::addColumn<int>("split");  // eval split; -1 = unset
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("size");  // square target; 0 = keep
    QTest::addColumn<int>("meanSplit");  // the images the mean should cover
    QTest::addColumn<QString>("source");
    QTest::newRow("idx, native 1x4x3") << false << -1 << 5 << 0 << 0 << int(Split::Train)
                                       << "mean of 18 train images";
    QTest::newRow("idx, converted to 3x8x8 (bilinear)")
        << false << int(Split::Test) << -1 << 3 << 8 << int(Split::Train) << "mean of 18 train images";
    QTest::newRow("idx, converted to 1x2x2 (area)")
        << false << int(Split::Validation) << -1 << 1 << 2 << int(Split::Train) << "mean of 18 train images";
    QTest::newRow("folder without split, limit 10: the evaluated images")
        << true << -1 << 10 << 0 << 0 << int(Split::All)
        << "mean of the 10 evaluated images (folder has no training part)";
    QTest::newRow("folder split=test: its train part, as gray 6x6")
        << true << int(Split::Test) << 2 << 1 << 6 << int(Split::Train) << "mean of 19 train images";
}

void TestDatasetLoader::meanImageMatchesDirectMean() {
    QFETCH(bool, folder);
    QFETCH(int, split);
    QFETCH(int, limit);
    QFETCH(int, channels);
    QFETCH(int, size);
    QFETCH(int, meanSplit);
    QFETCH(QString, source);
    const DataSpec spec = folder ? folderSpec() : idxSpec();
    DatasetLoadOptions eval;
    if (split >= 0) eval.split = Split(split);
    eval.limit = limit;
    eval.channels = channels;
    eval.height = eval.width = size;
    const auto mean = loadMeanImage(spec, eval);
    QVERIFY2(mean.ok(), mean.ok() ? "" : mean.error().message.c_str());
    QCOMPARE(QString::fromStdString(mean->source), source);

    DatasetLoadOptions direct = eval;
    direct.split = Split(meanSplit);
    direct.limit = meanSplit == int(Split::All) ? limit : -1;
    const auto ds = loadDataset(spec, direct);
    QVERIFY(ds.ok());
    const at::Tensor expected = ds->all().to(at::kDouble).mean(0);
    QCOMPARE(mean->image.sizes(), expected.sizes());
    QCOMPARE(mean->image.scalar_type(), at::kFloat);
    const double diff = test::maxAbsDiff(mean->image, expected);
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestDatasetLoader::cancelReturnsCancelled_data() {
    QTest::addColumn<bool>("folder");
    QTest::addColumn<bool>("mean");
    QTest::addColumn<bool>("viaToken");
    QTest::newRow("idx load, callback says stop") << false << false << false;
    QTest::newRow("idx mean, token set") << false << true << true;
    QTest::newRow("folder load, token set") << true << false << true;
    QTest::newRow("folder mean, callback says stop") << true << true << false;
}

void TestDatasetLoader::cancelReturnsCancelled() {
    QFETCH(bool, folder);
    QFETCH(bool, mean);
    QFETCH(bool, viaToken);
    CancelToken token = makeCancelToken();
    std::atomic<int> calls{0};
    // Stop on the second report, so some work has started.
    ProgressSink sink(
        [&](double, const std::string&) {
            if (++calls < 2) return true;
            if (viaToken) token->store(true);
            return viaToken;
        },
        token);
    const DataSpec spec = folder ? folderSpec() : idxSpec();
    DatasetLoadOptions o;
    o.split = Split::All;
    const Error err = mean ? loadMeanImage(spec, o, sink).error() : loadDataset(spec, o, sink).error();
    QVERIFY(err.isCancelled());
    QVERIFY(calls >= 1);
}

void TestDatasetLoader::reportsProgressToTheEnd() {
    std::vector<double> fractions;
    ProgressSink sink([&](double f, const std::string& stage) {
        fractions.push_back(f);
        return !stage.empty();
    });
    DatasetLoadOptions o;
    o.split = Split::All;
    const auto ds = loadDataset(folderSpec(), o, sink);
    QVERIFY(ds.ok());
    QVERIFY(fractions.size() >= 2);
    QCOMPARE(fractions.front(), 0.0);
    QCOMPARE(fractions.back(), 1.0);
    QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
}

QTEST_GUILESS_MAIN(TestDatasetLoader)
#include "tst_datasetloader.moc"
