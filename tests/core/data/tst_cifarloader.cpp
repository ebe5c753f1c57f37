// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"
#include "datafixtures.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

// CIFAR-10 binary batches written by the test: 2 training batches (6 + 4 records) and a
// test batch (3 records); image i of the training set has pattern cifarPixel(i, ...).
class TestCifarLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void selectsSplits_data();
    void selectsSplits();
    void keepsRgbPlaneOrder();
    void convertsToGrayWithBt601();
    void acceptsArchiveSubfolder();
    void rejectsBadBatches_data();
    void rejectsBadBatches();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::string spec() const { return "cifar10:" + m_dir->path().toStdString(); }
};

void TestCifarLoader::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(test::writeCifar(m_dir->filePath("data_batch_1.bin"), 6, 0));
    QVERIFY(test::writeCifar(m_dir->filePath("data_batch_2.bin"), 4, 6));
    QVERIFY(test::writeCifar(m_dir->filePath("test_batch.bin"), 3, 100));
}

void TestCifarLoader::selectsSplits_data() {
    QTest::addColumn<int>("split");  // -1 = unset
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("default is the test batch")
        << -1 << -1 << QStringList{"test_batch.bin#0", "test_batch.bin#1", "test_batch.bin#2"};
    QTest::newRow("train = first 9 of 10, across batches")
        << int(Split::Train) << -1
        << QStringList{"data_batch_1.bin#0", "data_batch_1.bin#1", "data_batch_1.bin#2",
                       "data_batch_1.bin#3", "data_batch_1.bin#4", "data_batch_1.bin#5",
                       "data_batch_2.bin#0", "data_batch_2.bin#1", "data_batch_2.bin#2"};
    QTest::newRow("val = last record") << int(Split::Validation) << -1 << QStringList{"data_batch_2.bin#3"};
    QTest::newRow("train limit 2") << int(Split::Train) << 2
                                   << QStringList{"data_batch_1.bin#0", "data_batch_1.bin#1"};
    QTest::newRow("all = training then test, limit 12")
        << int(Split::All) << 12
        << QStringList{"data_batch_1.bin#0", "data_batch_1.bin#1", "data_batch_1.bin#2", "data_batch_1.bin#3",
                       "data_batch_1.bin#4", "data_batch_1.bin#5", "data_batch_2.bin#0", "data_batch_2.bin#1",
                       "data_batch_2.bin#2", "data_batch_2.bin#3", "test_batch.bin#0", "test_batch.bin#1"};
}

void TestCifarLoader::selectsSplits() {
    QFETCH(int, split);
    QFETCH(int, limit);
    QFETCH(QStringList, ids);
    DatasetLoadOptions o;
    if (split >= 0) o.split = Split(split);
    o.limit = limit;
    const auto ds = loadDataset(*parseDataSpec(spec()), o);
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QStringList got;
    for (const auto& id : ds->ids) got << QString::fromStdString(id);
    QCOMPARE(got, ids);
    QCOMPARE(ds->all().sizes().vec(), (std::vector<int64_t>{ids.size(), 3, 32, 32}));
    // Pixels follow the ids: record r of batch 2 is training image 6 + r, test #r is 100 + r.
    for (int n = 0; n < ids.size(); ++n) {
        const QStringList parts = ids[n].split('#');
        const int r = parts[1].toInt();
        const int i = parts[0] == "data_batch_1.bin" ? r : parts[0] == "data_batch_2.bin" ? 6 + r : 100 + r;
        QCOMPARE(ds->all()[n][1][5][7].item<float>(), float(test::cifarPixel(i, 1, 5, 7)) / 255.0f);
    }
}

void TestCifarLoader::keepsRgbPlaneOrder() {
    DatasetLoadOptions o;
    o.limit = 1;
    const auto ds = loadDataset(*parseDataSpec(spec()), o);
    QVERIFY(ds.ok());
    const at::Tensor all = ds->all();
    const auto acc = all.accessor<float, 4>();
    for (int c = 0; c < 3; ++c)
        for (int y : {0, 13, 31})
            for (int x : {0, 20, 31}) QCOMPARE(acc[0][c][y][x], float(test::cifarPixel(100, c, y, x)) / 255.0f);
}

void TestCifarLoader::convertsToGrayWithBt601() {
    DatasetLoadOptions o;
    o.limit = 2;
    o.channels = 1;
    const auto ds = loadDataset(*parseDataSpec(spec()), o);
    QVERIFY(ds.ok());
    QCOMPARE(ds->all().size(1), 1);
    QCOMPARE(ds->notes, (std::vector<std::string>{
                            "converted 3 -> 1 channels (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B)"}));
    for (int y : {0, 9, 31}) {
        const double r = test::cifarPixel(101, 0, y, 4) / 255.0, g = test::cifarPixel(101, 1, y, 4) / 255.0,
                     b = test::cifarPixel(101, 2, y, 4) / 255.0;
        QVERIFY(std::abs(ds->all()[1][0][y][4].item<double>() - (0.299 * r + 0.587 * g + 0.114 * b)) < 1e-6);
    }
}

void TestCifarLoader::acceptsArchiveSubfolder() {
    QTemporaryDir parent;
    const QString sub = parent.filePath("cifar-10-batches-bin");
    QVERIFY(QDir().mkpath(sub));
    QVERIFY(test::writeCifar(sub + "/test_batch.bin", 2, 0));
    const auto ds = loadDataset(*parseDataSpec("cifar10:" + parent.path().toStdString()), {});
    QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
    QCOMPARE(ds->size(), 2);
}

void TestCifarLoader::rejectsBadBatches_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("bytes");  // -1 = remove the file
    QTest::addColumn<int>("split");
    QTest::addColumn<QString>("problem");
    QTest::newRow("test batch one byte short") << "test_batch.bin" << 3 * 3073 - 1 << int(Split::Test)
                                               << "is not a multiple of 3073";
    QTest::newRow("empty training batch") << "data_batch_2.bin" << 0 << int(Split::Train) << "empty file";
    QTest::newRow("test batch missing") << "test_batch.bin" << -1 << int(Split::Test) << "no test_batch.bin";
    QTest::newRow("first training batch missing") << "data_batch_1.bin" << -1 << int(Split::Train)
                                                  << "but no data_batch_1.bin";
}

void TestCifarLoader::rejectsBadBatches() {
    QFETCH(QString, file);
    QFETCH(int, bytes);
    QFETCH(int, split);
    QFETCH(QString, problem);
    QFile f(m_dir->filePath(file));
    if (bytes < 0)
        QVERIFY(f.remove());
    else
        QVERIFY(f.resize(bytes));
    DatasetLoadOptions o;
    o.split = Split(split);
    const auto ds = loadDataset(*parseDataSpec(spec()), o);
    QVERIFY(!ds.ok());
    const QString msg = QString::fromStdString(ds.error().message);
    QVERIFY2(msg.contains(problem), qPrintable(msg));
    QVERIFY2(msg.contains(bytes < 0 ? m_dir->path() : m_dir->filePath(file)), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestCifarLoader)
#include "tst_cifarloader.moc"
