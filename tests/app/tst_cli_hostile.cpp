// SPDX-License-Identifier: Apache-2.0
// `pareto` against what a black-box probe threw at it (issue "Trust before code"): programs
// that run nothing without --trust-code, bombs refused before they inflate, names made of
// bytes that are not UTF-8, images whose headers lie, models that produce NaN, and package
// destinations that are links or leftovers. Every refusal is one line naming the file.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

namespace fs = std::filesystem;
using namespace pareto;

namespace {

// Raw bytes of stdout/stderr: these tests are about bytes.
struct Raw {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out, err;
};

Raw run(const QStringList& args) {
    QProcess p;
    p.start(test::cliPath(), args);
    Raw r;
    if (!p.waitForStarted(-1)) return r;
    p.closeWriteChannel();
    p.waitForFinished(-1);
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// Runs `pareto` with arguments that are raw bytes (QProcess would re-encode a QString): a
// shell script holding them verbatim, in single quotes.
Raw runBytes(const QString& scriptPath, const std::vector<std::string>& args) {
    std::string script = "exec '" + test::cliPath().toStdString() + "'";
    for (const auto& a : args) script += " '" + a + "'";
    script += "\n";
    QFile f(scriptPath);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(script.data(), qint64(script.size()));
    f.close();
    QProcess p;
    p.start("/bin/sh", {scriptPath});
    Raw r;
    if (!p.waitForStarted(-1)) return r;
    p.waitForFinished(-1);
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString demoModel() { return test::resource("demo/tinyvae-fmnist-l16.safetensors"); }
QString demoData() { return "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"); }

bool oneLine(const QByteArray& err) { return err.trimmed().count('\n') == 0 && !err.trimmed().isEmpty(); }

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestCliHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void programsRunOnlyWhenTrusted_data();
    void programsRunOnlyWhenTrusted();
    void untrustedInspectReadsData();
    void refusedInOneLine_data();
    void refusedInOneLine();
    void imageHeadersAndReasons_data();
    void imageHeadersAndReasons();
    void bytesThatAreNotUtf8();
    void nonFiniteNamesFileConfigAndImage();
    void destinationLinksAndLeftovers();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestCliHostile::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("io_make_hostile.py", {m_dir.path()});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
}

void TestCliHostile::programsRunOnlyWhenTrusted_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("inspect") << QStringList{"inspect", "@"} << 0;
    QTest::newRow("inspect --json") << QStringList{"inspect", "@", "--json"} << 0;
    QTest::newRow("eval") << QStringList{"eval", "@", "--data", "@data", "--limit", "1000", "--quiet"} << 1;
    QTest::newRow("sweep") << QStringList{"sweep", "@", "--data", "@data", "--limit", "10", "--out", "@out", "--quiet"} << 1;
    QTest::newRow("export") << QStringList{"export", "@", "--data", "@data", "--quant", "int8", "--target", "orin-nano-8gb", "--out", "@out",
                                           "--quiet"}
                            << 1;
}

void TestCliHostile::programsRunOnlyWhenTrusted() {
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    for (QString& a : args) {
        if (a == "@") a = file("setstate_writes.ts");
        else if (a == "@data") a = demoData();
        else if (a == "@out") a = file("out-untrusted");
    }
    const Raw r = run(args);
    QVERIFY(!r.crashed);
    QCOMPARE(r.exitCode, exitCode);
    if (exitCode != 0) {
        QVERIFY2(oneLine(r.err), r.err.constData());
        QVERIFY2(r.err.contains("--trust-code"), r.err.constData());
        QVERIFY2(r.err.contains("setstate_writes.ts"), r.err.constData());
    }
    QCOMPARE(readAll(file("marker.txt")), QByteArray("untouched"));
    QVERIFY(!QFileInfo::exists(file("out-untrusted")));
}

void TestCliHostile::untrustedInspectReadsData() {
    const Raw r = run({"inspect", file("setstate_writes.ts"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["format"].toString(), QString("torchscript"));
    QCOMPARE(j["needs_trust_code"].toBool(), true);
    QVERIFY(j["methods"].toVariant().toStringList().contains("encode"));
    QVERIFY(j["methods"].toVariant().toStringList().contains("__setstate__"));
    QCOMPARE(readAll(file("marker.txt")), QByteArray("untouched"));
}

void TestCliHostile::refusedInOneLine_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    QTest::newRow("zip bomb, inspect") << QStringList{"inspect", "bomb_record.pt"} << "would inflate to 300 MiB";
    QTest::newRow("zip bomb, eval") << QStringList{"eval", "bomb_total.pt", "--data", "@data", "--limit", "1000", "--quiet"}
                                    << "records would inflate to 1.26 GB";
    QTest::newRow("data.pkl bomb, eval") << QStringList{"eval", "bomb_pickle.pt", "--data", "@data", "--quiet"} << "data.pkl would inflate";
    QTest::newRow("stride-0 views, inspect") << QStringList{"inspect", "stride0_views.pt"} << "would describe more than 1 GiB";
    QTest::newRow("CRC, eval") << QStringList{"eval", "crc_flip.pt", "--data", "@data", "--limit", "1000", "--quiet"} << "CRC-32 is";
    QTest::newRow("float64 overflow, inspect") << QStringList{"inspect", "f64_overflow.pt"} << "overflows float32";
    QTest::newRow("budget override is a number") << QStringList{"inspect", "tinyvae.pt", "--max-inflated-bytes", "lots"}
                                                 << "--max-inflated-bytes takes a positive number";
}

void TestCliHostile::refusedInOneLine() {
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    for (QString& a : args) {
        if (a == "@data") a = demoData();
        else if (a.endsWith(".pt")) a = file(a);
    }
    const Raw r = run(args);
    QVERIFY(!r.crashed);
    QVERIFY2(r.exitCode == 1 || r.exitCode == 2, qPrintable(QString::number(r.exitCode)));
    QVERIFY2(oneLine(r.err), r.err.constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(error), r.err.constData());
}

void TestCliHostile::imageHeadersAndReasons_data() {
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("error");
    QTest::newRow("30000 x 30000 header") << "png_bomb.png" << "30000 x 30000 pixels, more than the 16384 px per side";
    QTest::newRow("bad IDAT CRC") << "png_bad_crc.png" << "cannot decode PNG (IDAT: CRC error)";
}

void TestCliHostile::imageHeadersAndReasons() {
    QFETCH(QString, image);
    QFETCH(QString, error);
    const QString dir = file("folder-" + image);
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(QFile::copy(file(image), dir + "/" + image));
    const Raw r = run({"eval", demoModel(), "--data", "folder:" + dir, "--quiet"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(oneLine(r.err), r.err.constData());
    QVERIFY2(r.err.contains(image.toUtf8()), r.err.constData());
    QVERIFY2(QString::fromUtf8(r.err).contains(error), r.err.constData());
}

void TestCliHostile::bytesThatAreNotUtf8() {
    // A folder and an image whose names hold 0xff and 0xfe: JSON gets U+FFFD, text \xNN,
    // and an export into a folder named so verifies.
    const std::string dir = file("imgs").toStdString() + "\xff";
    fs::create_directories(dir);
    for (int k = 0; k < 3; ++k)
        fs::copy_file(file("plain64.png").toStdString(), dir + "/a" + std::to_string(k) + "\xfe.png");
    const std::string data = "folder:" + dir;
    const std::string model = demoModel().toStdString();
    const QString script = file("run.sh");

    Raw r = runBytes(script, {"eval", model, "--data", data, "--json", "--quiet"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &perr);
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
    QVERIFY(doc.object()["data"].toObject()["identity"].toString().contains(QChar(0xfffd)));

    r = runBytes(script, {"eval", model, "--data", data, "--quiet"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
    QVERIFY2(r.out.contains("imgs\\xff"), r.out.constData());

    const std::string out = file("pkg").toStdString() + "\xfe";
    r = runBytes(script, {"export", model, "--data", data, "--quant", "int8", "--target", "orin-nano-8gb", "--out", out, "--golden",
                          "2", "--provenance", "made by \xff\xfe", "--quiet"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
    r = runBytes(script, {"verify", out, "--json"});
    QVERIFY2(r.exitCode == 0, r.out.constData());
    QVERIFY(QJsonDocument::fromJson(r.out).isObject());
    // Nothing half-written beside it.
    for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
        QVERIFY2(e.path().filename().string().find(".partial-") == std::string::npos, e.path().c_str());
}

void TestCliHostile::nonFiniteNamesFileConfigAndImage() {
    const Raw r = run({"eval", "--trust-code", file("nan_vae.ts"), "--data", demoData(), "--quant", "int8", "--quiet"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(oneLine(r.err), r.err.constData());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains("nan_vae.ts") && err.contains("non-finite") && err.contains("first at image "), r.err.constData());
}

void TestCliHostile::destinationLinksAndLeftovers() {
    // --out that is a link to a package: refused with --force, the link stays a link.
    const QString real = file("real-pkg");
    Raw r = run({"export", demoModel(), "--data", demoData(), "--limit", "8", "--golden", "2", "--quant", "int8", "--target",
                 "orin-nano-8gb", "--out", real, "--quiet"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString link = file("link-pkg");
    fs::create_directory_symlink(real.toStdString(), link.toStdString());
    r = run({"export", demoModel(), "--data", demoData(), "--limit", "8", "--golden", "2", "--quant", "int4", "--target",
             "orin-nano-8gb", "--out", link, "--force", "--quiet"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(oneLine(r.err) && r.err.contains("is a symbolic link"), r.err.constData());
    QVERIFY(fs::is_symlink(link.toStdString()));

    // A `.NAME.replaced` that is not a package is never renamed into place by recovery.
    const QString dest = file("fresh-pkg");
    const QString aside = file(".fresh-pkg.replaced");
    QVERIFY(QDir().mkpath(aside));
    QFile junk(aside + "/notes.txt");
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("mine");
    junk.close();
    r = run({"export", demoModel(), "--data", demoData(), "--limit", "8", "--golden", "2", "--quant", "int8", "--target",
             "orin-nano-8gb", "--out", dest, "--quiet", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readAll(aside + "/notes.txt"), QByteArray("mine"));
    QVERIFY(QFileInfo::exists(dest + "/manifest.json"));
    QVERIFY(QString::fromUtf8(r.out).contains("left " + aside + " alone"));
}

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_cli_hostile.moc"
