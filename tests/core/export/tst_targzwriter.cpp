// SPDX-License-Identifier: Apache-2.0
// The .tar.gz writer against Python's tarfile (an independent reader): names (long ones
// through the ustar prefix), folders before contents, sizes across block boundaries,
// contents, modes; links are refused.
#include "export/targzwriter.h"

#include "common/atomicfile.h"
#include "common/hash.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace pareto;
namespace fs = std::filesystem;

class TestTarGzWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pythonReadsIt();
    void refusesLinks();
    void gzipCompresses();
};

void TestTarGzWriter::pythonReadsIt() {
    QTemporaryDir dir;
    const std::string src = dir.filePath("pkg").toStdString();
    const std::string longDir = "a-rather-long-folder-name-to-push-the-path-past-one-hundred-bytes-so-that-ustar-needs-its-prefix";
    fs::create_directories(src + "/golden");
    fs::create_directories(src + "/" + longDir);
    std::map<std::string, std::string> files{{"empty.txt", ""},
                                             {"one-block.bin", std::string(512, 'x')},
                                             {"block-and-one.bin", std::string(513, 'y')},
                                             {"golden/data.bin", std::string(70000, '\x7f')},
                                             {longDir + "/file-with-a-long-name-too.json", "{\"k\": 1}\n"}};
    for (const auto& [rel, bytes] : files) QVERIFY(writeFileAtomic(src + "/" + rel, bytes).ok());

    auto archive = TarGzWriter::archive(src, "my-package", 1700000000);
    QVERIFY2(archive.ok(), archive.ok() ? "" : archive.error().message.c_str());
    QCOMPARE(static_cast<unsigned char>((*archive)[0]), 0x1f);  // gzip magic
    QCOMPARE(static_cast<unsigned char>((*archive)[1]), 0x8b);
    auto plain = TarGzWriter::tar(src, "my-package", 1700000000);
    QVERIFY(plain.ok());
    QCOMPARE(plain->size() % 10240, size_t(0));
    QCOMPARE(plain->substr(257, 8), std::string("ustar\0" "00", 8));  // POSIX ustar magic and version
    const std::string path = dir.filePath("my-package.tar.gz").toStdString();
    QVERIFY(writeFileAtomic(path, *archive).ok());

    const auto r = test::runPythonFixture("export_list_tar.py", {QString::fromStdString(path), dir.filePath("list.json"), dir.filePath("out")});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    QFile f(dir.filePath("list.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray members = QJsonDocument::fromJson(f.readAll()).array();
    QStringList names;
    for (const auto& m : members) names << m.toObject()["name"].toString();
    QCOMPARE(names.first(), QString("my-package"));
    QVERIFY(names.indexOf("my-package/golden") < names.indexOf("my-package/golden/data.bin"));
    QCOMPARE(members.size(), qsizetype(files.size() + 3));  // + my-package/, golden/, the long folder
    for (const auto& [rel, bytes] : files) {
        const QString name = QString::fromStdString("my-package/" + rel);
        const int i = names.indexOf(name);
        QVERIFY2(i >= 0, qPrintable(name));
        const QJsonObject m = members[i].toObject();
        QCOMPARE(m["type"].toString(), QString("file"));
        QCOMPARE(m["size"].toInteger(), qint64(bytes.size()));
        QCOMPARE(m["sha256"].toString().toStdString(), sha256Hex(bytes.data(), bytes.size()));
        QCOMPARE(m["mode"].toInt(), 0644);
        QFile extracted(dir.filePath("out/" + name));
        QVERIFY(extracted.open(QIODevice::ReadOnly));
        QCOMPARE(extracted.readAll().toStdString(), bytes);
    }
}

void TestTarGzWriter::refusesLinks() {
    QTemporaryDir dir;
    const std::string src = dir.filePath("pkg").toStdString();
    fs::create_directories(src);
    QVERIFY(writeFileAtomic(src + "/a", "x").ok());
    fs::create_symlink(src + "/a", src + "/link");
    auto archive = TarGzWriter::archive(src, "pkg", 0);
    QVERIFY(!archive.ok());
    QVERIFY(archive.error().message.find("link") != std::string::npos);
}

void TestTarGzWriter::gzipCompresses() {
    auto gz = TarGzWriter::gzip(std::string(100000, 'a'));
    QVERIFY(gz.ok());
    QVERIFY(gz->size() < 1000);  // compressed, with the gzip (not zlib) header
    QCOMPARE(static_cast<unsigned char>((*gz)[0]), 0x1f);
    QCOMPARE(static_cast<unsigned char>((*gz)[1]), 0x8b);
}

QTEST_GUILESS_MAIN(TestTarGzWriter)
#include "tst_targzwriter.moc"
