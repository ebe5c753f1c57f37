// SPDX-License-Identifier: Apache-2.0
// `pareto export` and `pareto verify` as processes: an INT4 group-64 package of the demo model
// passes verify; its manifest's metrics and bytes equal a fresh `pareto eval`; altered bytes
// fail verify naming the file (every file x first/middle/last: tst_packageverifier); SIGKILL at every named stage (PARETO_EXPORT_STOP_AT) leaves the
// destination absent or the earlier package whole, and the next export tidies up; Ctrl-C-like
// cancel exits 130 with nothing written; usage errors exit 2.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace pareto;

namespace {

test::ProcessResult runWithEnv(const QStringList& args, const QMap<QString, QString>& env) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (auto it = env.begin(); it != env.end(); ++it) e.insert(it.key(), it.value());
    p.setProcessEnvironment(e);
    p.start(test::cliPath(), args);
    test::ProcessResult r;
    if (!p.waitForStarted(-1)) return r;
    p.closeWriteChannel();
    p.waitForFinished(-1);
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// relative path -> contents of every file below `dir`.
QMap<QString, QByteArray> snapshot(const QString& dir) {
    QMap<QString, QByteArray> out;
    std::function<void(const QString&)> walk = [&](const QString& d) {
        for (const QFileInfo& fi : QDir(d).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
            if (fi.isDir()) walk(fi.filePath());
            else {
                QFile f(fi.filePath());
                if (f.open(QIODevice::ReadOnly)) out[QDir(dir).relativeFilePath(fi.filePath())] = f.readAll();
            }
        }
    };
    if (QFileInfo(dir).isDir()) walk(dir);
    return out;
}

QStringList leftovers(const QString& dir) {
    QStringList out;
    for (const QString& n : QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
        if (n.contains(".partial-") || n.contains(".replaced") || n.contains(".tmp-")) out << n;
    return out;
}

bool flipByte(const QString& path, const QString& where) {
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite)) return false;
    const qint64 pos = where == "first" ? 0 : where == "middle" ? f.size() / 2 : f.size() - 1;
    f.seek(pos);
    char c = 0;
    f.getChar(&c);
    f.seek(pos);
    return f.putChar(static_cast<char>(c ^ 0xFF));
}

}  // namespace

class TestCliExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportedPackageVerifies();
    void manifestEqualsFreshEval();
    void verifyDetectsAlteredBytes_data();
    void verifyDetectsAlteredBytes();
    void killAtEveryStage_data();
    void killAtEveryStage();
    void cancelLeavesNothing();
    void refusesExistingWithoutForce();
    void tarNeverBesideAnotherPackage_data();
    void tarNeverBesideAnotherPackage();
    void listTargets();
    void latentReducedExport();
    void usageErrors_data();
    void usageErrors();

private:
    QStringList exportArgs(const QString& out, const QString& scheme = "int4", int limit = 12) const;
    QTemporaryDir m_dir;
    QString m_pkg;  // int4 group 64
    QString m_old;  // an int8 package, the "earlier package" of the --force rows
    QJsonObject m_exportJson;
};

QStringList TestCliExport::exportArgs(const QString& out, const QString& scheme, int limit) const {
    QStringList a{"export", test::resource("demo/tinyvae-fmnist-l16.safetensors"), "--data",
                  "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), "--limit", QString::number(limit), "--golden", "4",
                  "--quant", scheme, "--target", "orin-nano-8gb", "--out", out, "--quiet"};
    if (scheme == "int4") a << "--granularity" << "group" << "--group-size" << "64";
    return a;
}

void TestCliExport::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_pkg = m_dir.filePath("int4-g64");
    auto r = test::runCli(exportArgs(m_pkg) << "--json");
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    m_exportJson = QJsonDocument::fromJson(r.out.toUtf8()).object();
    m_old = m_dir.filePath("old-int8");
    r = test::runCli(exportArgs(m_old, "int8"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

void TestCliExport::exportedPackageVerifies() {
    const QJsonObject& j = m_exportJson;
    QCOMPARE(j["verification"].toObject()["verdict"].toString(), QString("PASS"));
    QCOMPARE(j["scheme"].toString(), QString("int4-g64"));
    // weights, model.pt, model/encoder/decoder.onnx, golden x4 (with onnx_expected), README, verify_trt.py, manifest + hash
    QCOMPARE(j["files"].toArray().size(), 13);
    QVERIFY(j["golden"].toObject()["max_abs_error"].toDouble() <= j["golden"].toObject()["tolerance"].toDouble());
    for (const char* k : {"destination", "files", "package_bytes", "size", "weights_file", "metrics", "golden", "fit", "tensorrt",
                          "verification", "warnings", "seconds"})
        QVERIFY2(j.contains(k), k);

    auto r = test::runCli({"verify", m_pkg});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("PASS"));
    QVERIFY(r.out.contains("largest golden error"));
    r = test::runCli({"verify", m_pkg, "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject v = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(v["verdict"].toString(), QString("PASS"));
    QVERIFY(v["passed"].toBool());
    QCOMPARE(v["files_checked"].toInt(), 11);  // all but the manifest and its hash
    // With the images: model.pt and the weights re-measured equal the manifest.
    r = test::runCli({"verify", m_pkg, "--data", "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), "--json", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const QJsonObject vm = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY(vm["metrics"].toObject()["checked"].toBool());
    QCOMPARE(vm["metrics"].toObject()["n"].toInt(), 12);
}

void TestCliExport::manifestEqualsFreshEval() {
    auto r = test::runCli({"eval", test::resource("demo/tinyvae-fmnist-l16.safetensors"), "--data",
                           "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), "--limit", "12", "--quant", "int4",
                           "--granularity", "group", "--group-size", "64", "--json", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject eval = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const QJsonObject m = readJson(m_pkg + "/manifest.json");
    const QJsonObject metrics = m["metrics"].toObject();
    for (const char* k : {"mse", "psnr", "ssim"}) {
        const QJsonObject ours = metrics["compressed"].toObject()[k].toObject(), theirs = eval[k].toObject();
        QCOMPARE(ours["mean"].toDouble(), theirs["mean"].toDouble());
        QCOMPARE(ours["ci95"].toArray(), theirs["ci95"].toArray());
        QCOMPARE(ours["n"].toInt(), int(eval["n"].toInteger()));
        const QJsonObject base = metrics["baseline"].toObject()[k].toObject(), fp32 = eval["fp32"].toObject()[k].toObject();
        QCOMPARE(base["mean"].toDouble(), fp32["mean"].toDouble());
        QCOMPARE(base["ci95"].toArray(), fp32["ci95"].toArray());
        QCOMPARE(metrics["delta_compressed_vs_baseline"].toObject()[k].toObject()["mean"].toDouble(),
                 eval["delta_vs_fp32"].toObject()[k].toObject()["mean"].toDouble());
    }
    QCOMPARE(metrics["data"].toObject()["identity"].toString(), eval["data"].toObject()["identity"].toString());

    // Bytes: manifest weights.bytes = eval's size.bytes = the data section of weights.safetensors
    // (file size - 8-byte length - JSON header); the whole file is reported as file_bytes.
    const qint64 bytes = eval["size"].toObject()["bytes"].toInteger();
    const QJsonObject w = m["weights"].toObject();
    QCOMPARE(w["bytes"].toInteger(), bytes);
    QFile f(m_pkg + "/weights.safetensors");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray head = f.read(8);
    qint64 headerLen = 0;
    for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | static_cast<unsigned char>(head[i]);
    QCOMPARE(f.size() - 8 - headerLen, bytes);
    QCOMPARE(w["file_bytes"].toInteger(), f.size());
    QCOMPARE(w["header_bytes"].toInteger(), 8 + headerLen);
}

void TestCliExport::verifyDetectsAlteredBytes_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("where");
    QTest::newRow("weights.safetensors, first byte") << "weights.safetensors" << "first";
    QTest::newRow("model.pt, middle byte") << "model.pt" << "middle";
    QTest::newRow("golden/expected.safetensors, last byte") << "golden/expected.safetensors" << "last";
    QTest::newRow("manifest.json, last byte") << "manifest.json" << "last";
    QTest::newRow("manifest.sha256, first byte") << "manifest.sha256" << "first";
}

void TestCliExport::verifyDetectsAlteredBytes() {
    QFETCH(QString, file);
    QFETCH(QString, where);
    const QString copy = m_dir.filePath("altered");
    QDir(copy).removeRecursively();
    const auto files = snapshot(m_pkg);
    for (auto it = files.begin(); it != files.end(); ++it) {
        QDir().mkpath(QFileInfo(copy + "/" + it.key()).path());
        QFile f(copy + "/" + it.key());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(it.value());
    }
    QVERIFY(flipByte(copy + "/" + file, where));
    const auto r = test::runCli({"verify", copy});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!r.crashed);
    QVERIFY(r.out.contains("FAIL"));
    QVERIFY2(r.err.contains("FAIL: " + file + ":"), qPrintable(r.err));
}

void TestCliExport::killAtEveryStage_data() {
    QTest::addColumn<QString>("stage");
    QTest::addColumn<bool>("force");     // an earlier package at the destination, --force
    QTest::addColumn<bool>("exchange");  // RENAME_EXCHANGE allowed
    QTest::addColumn<QString>("after");  // what the destination holds once tidied: "none", "old", "new"
    for (const char* s : {"measure", "write-weights", "write-model", "write-onnx", "write-golden", "write-readme", "write-manifest", "verify", "tar", "install"})
        QTest::newRow(qPrintable(QString("SIGKILL at %1, no earlier package").arg(s))) << QString(s) << false << true << "none";
    QTest::newRow("SIGKILL at done, no earlier package") << "done" << false << true << "new";
    for (const char* s : {"write-model", "verify", "install"})
        QTest::newRow(qPrintable(QString("SIGKILL at %1, --force").arg(s))) << QString(s) << true << true << "old";
    QTest::newRow("SIGKILL at remove-old, --force") << "remove-old" << true << true << "new";
    QTest::newRow("SIGKILL at swap-aside, --force, two renames") << "swap-aside" << true << false << "old";
    QTest::newRow("SIGKILL at remove-old, --force, two renames") << "remove-old" << true << false << "new";
}

void TestCliExport::killAtEveryStage() {
    QFETCH(QString, stage);
    QFETCH(bool, force);
    QFETCH(bool, exchange);
    QFETCH(QString, after);
    QTemporaryDir parent;
    const QString dest = parent.filePath("pkg");
    QMap<QString, QByteArray> old;
    if (force) {
        const auto files = snapshot(m_old);
        for (auto it = files.begin(); it != files.end(); ++it) {
            QDir().mkpath(QFileInfo(dest + "/" + it.key()).path());
            QFile f(dest + "/" + it.key());
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(it.value());
        }
        old = snapshot(dest);
    }
    QStringList args = exportArgs(dest, "int4", 4) << "--tar";
    if (force) args << "--force";
    QMap<QString, QString> env{{"PARETO_EXPORT_STOP_AT", stage}};
    if (!exchange) env["PARETO_EXPORT_NO_EXCHANGE"] = "1";
    auto r = runWithEnv(args, env);
    QVERIFY2(r.crashed, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));

    // Right after the kill: the destination is absent or one whole package, never a mix.
    const auto now = snapshot(dest);
    if (!force && after == "none") QVERIFY(!QFileInfo::exists(dest));
    if (force && after == "old" && stage != "swap-aside") QCOMPARE(now, old);
    if (stage == "swap-aside") {
        QVERIFY(!QFileInfo::exists(dest));
        QCOMPARE(snapshot(parent.filePath(".pkg.replaced")), old);  // whole, aside
    }
    if (after == "new") QCOMPARE(readJson(dest + "/manifest.json")["configuration"].toObject()["scheme"].toString(), QString("int4-g64"));

    // The next export applies the recovery rule first (here it is then cancelled at once).
    QStringList again = exportArgs(dest, "int4", 4);
    if (force || after == "new") again << "--force";
    r = runWithEnv(again, {{"PARETO_EXPORT_STOP_AT", "measure:cancel"}});
    QCOMPARE(r.exitCode, 130);
    QVERIFY2(leftovers(parent.path()).isEmpty(), qPrintable(leftovers(parent.path()).join(", ")));
    if (after == "none") QVERIFY(!QFileInfo::exists(dest));
    if (after == "old") QCOMPARE(snapshot(dest), old);
    if (after == "new") {
        QCOMPARE(test::runCli({"verify", dest}).exitCode, 0);
        QCOMPARE(readJson(dest + "/manifest.json")["configuration"].toObject()["scheme"].toString(), QString("int4-g64"));
    }
}

void TestCliExport::cancelLeavesNothing() {
    QTemporaryDir parent;
    const QString dest = parent.filePath("pkg");
    auto r = runWithEnv(exportArgs(dest) << "--tar", {{"PARETO_EXPORT_STOP_AT", "verify:cancel"}});
    QCOMPARE(r.exitCode, 130);
    QVERIFY(r.err.contains("interrupted"));
    QVERIFY(QDir(parent.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
    r = runWithEnv(exportArgs(dest), {{"PARETO_EXPORT_STOP_AT", "write-golden:fail"}});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("stopped at stage 'write-golden'"), qPrintable(r.err));
    QVERIFY(QDir(parent.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
}

// A package with its .tar.gz replaced by another with --tar: wherever the process is
// killed, once the next export has recovered, the tar.gz beside the folder holds that folder
// (or there is none), never the package it replaced.
void TestCliExport::tarNeverBesideAnotherPackage_data() {
    QTest::addColumn<QString>("stage");
    QTest::addColumn<bool>("exchange");
    for (const char* s : {"install", "remove-old"}) {
        QTest::newRow(qPrintable(QString("SIGKILL at %1").arg(s))) << QString(s) << true;
        QTest::newRow(qPrintable(QString("SIGKILL at %1, two renames").arg(s))) << QString(s) << false;
    }
    QTest::newRow("SIGKILL at swap-aside, two renames") << "swap-aside" << false;
}

void TestCliExport::tarNeverBesideAnotherPackage() {
    QFETCH(QString, stage);
    QFETCH(bool, exchange);
    QTemporaryDir parent;
    const QString dest = parent.filePath("pkg");
    auto r = test::runCli(exportArgs(dest, "int8", 4) << "--tar");
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QMap<QString, QString> env{{"PARETO_EXPORT_STOP_AT", stage}};
    if (!exchange) env["PARETO_EXPORT_NO_EXCHANGE"] = "1";
    r = runWithEnv(exportArgs(dest, "int4", 4) << "--tar" << "--force", env);
    QVERIFY2(r.crashed, qPrintable(r.err));
    r = runWithEnv(exportArgs(dest, "int4", 4) << "--force", {{"PARETO_EXPORT_STOP_AT", "measure:cancel"}});
    QCOMPARE(r.exitCode, 130);
    QVERIFY2(leftovers(parent.path()).isEmpty(), qPrintable(leftovers(parent.path()).join(", ")));
    QVERIFY(QFileInfo::exists(dest + "/manifest.sha256"));
    const QString tar = dest + ".tar.gz";
    if (!QFileInfo::exists(tar)) return;  // none is fine; another package's is not
    QProcess untar;
    untar.start("tar", {"-xzOf", tar, "pkg/manifest.sha256"});
    QVERIFY(untar.waitForFinished(-1));
    QFile folderHash(dest + "/manifest.sha256");
    QVERIFY(folderHash.open(QIODevice::ReadOnly));
    QCOMPARE(untar.readAllStandardOutput(), folderHash.readAll());
}

void TestCliExport::refusesExistingWithoutForce() {
    const auto before = snapshot(m_old);
    auto r = test::runCli(exportArgs(m_old));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("already exists") && r.err.contains("--force"), qPrintable(r.err));
    QCOMPARE(snapshot(m_old), before);
}

void TestCliExport::listTargets() {
    auto r = test::runCli({"export", "--list-targets", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(a.size(), 4);
    QCOMPARE(a[1].toObject()["id"].toString(), QString("orin-nano-8gb"));
    QCOMPARE(a[1].toObject()["memory_bytes"].toInteger(), qint64(8) << 30);
    r = test::runCli({"export", "--list-targets"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("agx-orin-64gb"));
}

void TestCliExport::latentReducedExport() {
    // PCA k = 8 of the demo model, then INT4 group 64: the package holds an L = 8 TinyVAE whose
    // numbers equal `pareto latent` + `pareto eval` of the same thing, and the manifest also
    // carries the L = 16 checkpoint's metrics and the paired delta against it.
    const QString pkg = m_dir.filePath("pca8-int4"), folded = m_dir.filePath("pca8.safetensors");
    const QString data = "fashion-mnist:" + test::resource("demo/fashion-mnist-subset");
    const QString demo = test::resource("demo/tinyvae-fmnist-l16.safetensors");
    auto r = test::runCli(exportArgs(pkg) << "--latent" << "pca:8" << "--calib-limit" << "300" << "--json");
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = test::runCli({"verify", pkg, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    r = test::runCli({"latent", demo, "--data", data, "--method", "pca", "--k", "8", "--calib-limit", "300", "--out", folded, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = test::runCli({"eval", folded, "--data", data, "--limit", "12", "--quant", "int4", "--granularity", "group", "--group-size", "64",
                      "--json", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject eval = QJsonDocument::fromJson(r.out.toUtf8()).object();
    r = test::runCli({"eval", demo, "--data", data, "--limit", "12", "--json", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject original = QJsonDocument::fromJson(r.out.toUtf8()).object();

    const QJsonObject m = readJson(pkg + "/manifest.json");
    QCOMPARE(m["architecture"].toObject()["latent_dim"].toInt(), 8);
    // 12,290 parameters per latent dimension: 227,371 at L = 16 (1 channel), 129,051 at 8.
    QCOMPARE(m["architecture"].toObject()["params"].toInteger(), qint64(227371 - 12290 * 8));
    QCOMPARE(m["architecture"].toObject()["params"].toInteger(), eval["params"].toInteger());
    QCOMPARE(m["weights"].toObject()["bytes"].toInteger(), eval["size"].toObject()["bytes"].toInteger());
    QVERIFY(m["source"].toObject()["provenance"].toString().startsWith("pca:8"));
    const QJsonObject metrics = m["metrics"].toObject();
    QCOMPARE(metrics["reference"].toObject()["mse"].toObject()["mean"].toDouble(), original["mse"].toObject()["mean"].toDouble());
    QCOMPARE(metrics["compressed"].toObject()["mse"].toObject()["mean"].toDouble(), eval["mse"].toObject()["mean"].toDouble());
    QCOMPARE(metrics["baseline"].toObject()["mse"].toObject()["mean"].toDouble(), eval["fp32"].toObject()["mse"].toObject()["mean"].toDouble());
    const QJsonObject d = metrics["delta_compressed_vs_reference"].toObject()["mse"].toObject();
    QVERIFY(d["mean"].toDouble() > 0);  // losing half the latent costs quality
    QVERIFY(d.contains("significant"));
}

void TestCliExport::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    const QString ckpt = "x.pt";
    QTest::newRow("export without --target") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8", "--out", "o"};
    QTest::newRow("export with an unknown target") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8", "--out", "o", "--target", "tx2"};
    QTest::newRow("export without a configuration") << QStringList{"export", ckpt, "--data", "folder:.", "--out", "o", "--target", "orin-nano-8gb"};
    QTest::newRow("export without --out") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8", "--target", "orin-nano-8gb"};
    QTest::newRow("export with two latent points") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8", "--out", "o",
                                                               "--target", "orin-nano-8gb", "--latent", "pca:4,8"};
    QTest::newRow("export trained latent without a catalog") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8", "--out", "o",
                                                                         "--target", "orin-nano-8gb", "--latent", "trained:8"};
    QTest::newRow("export with a latent option but no --latent") << QStringList{"export", ckpt, "--data", "folder:.", "--quant", "int8",
                                                                             "--out", "o", "--target", "orin-nano-8gb", "--calib-limit", "10"};
    QTest::newRow("verify without a package") << QStringList{"verify"};
    QTest::newRow("verify with an unknown option") << QStringList{"verify", "p", "--bogus"};
}

void TestCliExport::usageErrors() {
    QFETCH(QStringList, args);
    const auto r = test::runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("usage"));
}

QTEST_GUILESS_MAIN(TestCliExport)
#include "tst_cliexport.moc"
