// SPDX-License-Identifier: Apache-2.0
// ZipArchive, the data-only zip reader under every PyTorch archive we open: budgets checked
// before a byte is inflated, CRC-32 verified for every record, one-line errors.

#include "io/ziparchive.h"

#include "testsupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;
using namespace pareto::detail;

class TstZipArchive : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsRecords_data();
    void readsRecords();
    void refusesWithOneLine_data();
    void refusesWithOneLine();
    void budgetFollowsFileSize();
    void overrideRaisesBothBudgets();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TstZipArchive::initTestCase() {
    QVERIFY(m_dir.isValid());
    for (const char* script : {"io_make_zips.py", "io_make_hostile.py"}) {
        const auto r = test::runPythonFixture(script, {m_dir.path()});
        QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
    }
}

void TstZipArchive::readsRecords_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("record");
    QTest::addColumn<QByteArray>("expected");
    QByteArray bin;
    for (int k = 0; k < 4; ++k)
        for (int v = 0; v < 250; ++v) bin.append(char(v));
    QTest::newRow("stored text") << "stored.zip" << "a.txt" << QByteArray("hello");
    QTest::newRow("stored binary") << "stored.zip" << "b.bin" << bin;
    QTest::newRow("deflated") << "deflated.zip" << "a.txt" << QByteArray("hello").repeated(1000);
    QTest::newRow("ZIP64 extra fields") << "zip64.zip" << "a.txt" << QByteArray("sixty-four");
}

void TstZipArchive::readsRecords() {
    QFETCH(QString, name);
    QFETCH(QString, record);
    QFETCH(QByteArray, expected);
    auto zip = ZipArchive::open(file(name).toStdString());
    QVERIFY2(zip.ok(), zip.ok() ? "" : zip.error().message.c_str());
    QCOMPARE(QString::fromStdString(zip->topFolder()), QStringLiteral("top"));
    auto bytes = zip->read(record.toStdString());
    QVERIFY2(bytes.ok(), bytes.ok() ? "" : bytes.error().message.c_str());
    QCOMPARE(QByteArray::fromStdString(*bytes), expected);
    QCOMPARE(zip->inflated(), uint64_t(expected.size()));
}

// Each row: the file, the record to read ("" = opening alone fails), what the message says.
void TstZipArchive::refusesWithOneLine_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("record");
    QTest::addColumn<QString>("error");
    QTest::newRow("bit flipped in a stored storage") << "crc_flip.pt" << "data/0" << "CRC-32 is";
    QTest::newRow("one record declares 300 MiB (bomb)") << "bomb_record.pt" << "data/0"
                                                        << "would inflate to 300 MiB, more than the 256 MiB per record";
    QTest::newRow("records declare 1.2 GB together (bomb)") << "bomb_total.pt" << ""
                                                            << "records would inflate to 1.26 GB, more than the 1 GiB in total";
    QTest::newRow("deflate stream longer than declared") << "lying_size.pt" << "data/0" << "inflates to more than its declared 16 bytes";
    QTest::newRow("cut in half") << "truncated.zip" << "" << "no end-of-central-directory record";
    QTest::newRow("missing record") << "stored.zip" << "nope" << "record 'nope' is missing";
    QTest::newRow("not a zip") << "marker.txt" << "" << "too short for an end-of-central-directory record";
}

void TstZipArchive::refusesWithOneLine() {
    QFETCH(QString, name);
    QFETCH(QString, record);
    QFETCH(QString, error);
    auto zip = ZipArchive::open(file(name).toStdString());
    std::string message;
    if (!zip) {
        QVERIFY2(record.isEmpty(), zip.error().message.c_str());
        message = zip.error().message;
        QVERIFY2(QString::fromStdString(message).startsWith(file(name) + ": "), message.c_str());
    } else {
        QVERIFY(!record.isEmpty());
        auto bytes = zip->read(record.toStdString());
        QVERIFY2(!bytes.ok(), "read a record that should have been refused");
        message = bytes.error().message;
        QVERIFY2(uint64_t(zip->inflated()) < (uint64_t(64) << 20), "the refusal came after inflating");
    }
    qInfo("%s", message.c_str());
    QVERIFY2(QString::fromStdString(message).contains(error), message.c_str());
    QVERIFY(message.find('\n') == std::string::npos);
}

void TstZipArchive::budgetFollowsFileSize() {
    const InflateBudget small = InflateBudget::forFile(7'000'000);
    QCOMPARE(small.perRecord, uint64_t(256) << 20);
    QCOMPARE(small.total, uint64_t(1) << 30);
    const InflateBudget big = InflateBudget::forFile(uint64_t(1) << 30);
    QCOMPARE(big.perRecord, uint64_t(4) << 30);
    QCOMPARE(big.total, uint64_t(8) << 30);
    QVERIFY(QString::fromStdString(small.describePerRecord(7'000'000)).contains("max(256 MiB, 4 x the file's 7.0 MB)"));
}

void TstZipArchive::overrideRaisesBothBudgets() {
    // The 1.2 GB bomb opens when the user raises the budget on purpose (and reading one of its
    // 240 MiB records then fits), and the error names the flag otherwise.
    auto refused = ZipArchive::open(file("bomb_total.pt").toStdString());
    QVERIFY(!refused.ok());
    QVERIFY(QString::fromStdString(refused.error().message).contains("--max-inflated-bytes"));
    auto zip = ZipArchive::open(file("bomb_total.pt").toStdString(), uint64_t(2) << 30);
    QVERIFY2(zip.ok(), zip.ok() ? "" : zip.error().message.c_str());
    QCOMPARE(zip->budget().perRecord, uint64_t(2) << 30);
    const ZipArchive::Entry* e = zip->find("data/0");
    QVERIFY(e);
    QVERIFY(zip->checkBudget(*e).ok());
}

QTEST_GUILESS_MAIN(TstZipArchive)
#include "tst_ziparchive.moc"
