// SPDX-License-Identifier: Apache-2.0
// Atomic writes and hashing: a failed write leaves the old file whole.
#include "common/atomicfile.h"
#include "common/hash.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestAtomicFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesAndReplaces();
    void failureKeepsOldFile();
    void sha256KnownValues_data();
    void sha256KnownValues();
};

void TestAtomicFile::writesAndReplaces() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("f.bin").toStdString();
    QVERIFY(writeFileAtomic(path, "first").ok());
    QVERIFY(writeFileAtomic(path, std::string("second\0x", 8)).ok());
    auto r = readFile(path);
    QVERIFY(r.ok());
    QCOMPARE(*r, std::string("second\0x", 8));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temp files left
}

void TestAtomicFile::failureKeepsOldFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("keep.txt").toStdString();
    QVERIFY(writeFileAtomic(path, "precious").ok());
    // Renaming onto a directory fails: the old contents must survive.
    QVERIFY(QDir(dir.path()).mkdir("adir"));
    const Status st = writeFileAtomic(dir.filePath("adir").toStdString(), "x");
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message).contains("adir"));
    QCOMPARE(*readFile(path), std::string("precious"));
    QVERIFY(!readFile(dir.filePath("missing").toStdString()).ok());
}

void TestAtomicFile::sha256KnownValues_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("hex");
    QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
}

void TestAtomicFile::sha256KnownValues() {
    QFETCH(QByteArray, input);
    QFETCH(QString, hex);
    QCOMPARE(QString::fromStdString(sha256Hex(input.constData(), size_t(input.size()))), hex);
    QTemporaryDir dir;
    const std::string path = dir.filePath("h").toStdString();
    QVERIFY(writeFileAtomic(path, input.toStdString()).ok());
    QCOMPARE(QString::fromStdString(*sha256File(path)), hex);
}

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
