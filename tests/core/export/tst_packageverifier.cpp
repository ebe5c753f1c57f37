// SPDX-License-Identifier: Apache-2.0
// The verifier: an intact package passes; flipping the first, middle or last byte of any
// file, the manifest and its hash file included, fails with a message naming that file;
// missing, extra and truncated files fail; re-measured metrics are checked against the
// manifest on the same images and refused on others.
#include "common/atomicfile.h"
#include "export/packageexporter.h"
#include "export/packagelayout.h"
#include "export/packageverifier.h"

#include "exporttestdata.h"

#include <nlohmann/json.hpp>
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace pareto;
namespace fs = std::filesystem;

class TestPackageVerifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void intactPackagePasses();
    void flippedByteFails_data();
    void flippedByteFails();
    void damagedPackageFails_data();
    void damagedPackageFails();
    void metricsOnTheSameImages();
    void metricsOnOtherImagesRefused();
    void untrustedRunsNoCode();
    void nothingLoadsAfterAFailedHash();
    void linksAreFindingsNotPaths_data();
    void linksAreFindingsNotPaths();
    void oversizedManifestNamed();

private:
    std::string copyPackage(const QString& name) const;
    QTemporaryDir m_dir;
    std::string m_pkg;
    test::DemoSetup m_demo;
};

void TestPackageVerifier::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_demo = test::loadDemo(12);
    QVERIFY2(m_demo.error.empty(), m_demo.error.c_str());
    m_pkg = m_dir.filePath("pkg").toStdString();
    auto r = exportPackage(test::demoRequest(m_demo, m_pkg));
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
}

std::string TestPackageVerifier::copyPackage(const QString& name) const {
    const std::string dst = m_dir.filePath("copies/" + name).toStdString();
    fs::remove_all(dst);
    fs::create_directories(fs::path(dst).parent_path());
    fs::copy(m_pkg, dst, fs::copy_options::recursive);
    return dst;
}

void TestPackageVerifier::intactPackagePasses() {
    VerifyOptions trusted;
    trusted.trustCode = true;
    auto r = verifyPackage(m_pkg, trusted);
    QVERIFY(r.ok());
    QVERIFY2(r->passed, r->failures.empty() ? "" : r->failures.front().c_str());
    QCOMPARE(QString(r->verdict()), QString("PASS"));
    // weights, model.pt, model/encoder/decoder.onnx, golden input/expected/onnx_expected/tolerance, README, verify_trt.py
    QCOMPARE(r->filesChecked, int64_t(11));
    QCOMPARE(r->onnxFiles, int64_t(3));
    QCOMPARE(r->onnxFilesRun, int64_t(3));
    QCOMPARE(r->goldenImages, int64_t(4));
    QVERIFY(r->goldenMaxAbsError <= r->goldenTolerance);
    QCOMPARE(r->goldenTolerance, kGoldenMaxAbsError);
    QCOMPARE(r->weightsVsModelMaxAbs, 0.0);
    QVERIFY(!r->metricsChecked);
}

void TestPackageVerifier::flippedByteFails_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("where");
    for (const char* f : {PackageLayout::kWeights, PackageLayout::kModel, PackageLayout::kGoldenInput, PackageLayout::kGoldenExpected,
                          PackageLayout::kGoldenTolerance, PackageLayout::kReadme, PackageLayout::kManifest, PackageLayout::kManifestHash})
        for (const char* w : {"first", "middle", "last"}) QTest::newRow(qPrintable(QString("%1, %2 byte").arg(f, w))) << QString(f) << QString(w);
}

void TestPackageVerifier::flippedByteFails() {
    QFETCH(QString, file);
    QFETCH(QString, where);
    const std::string pkg = copyPackage("flip");
    QVERIFY(test::flipByte(pkg + "/" + file.toStdString(), where.toStdString()));
    auto r = verifyPackage(pkg);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    QCOMPARE(QString(r->verdict()), QString("FAIL"));
    bool named = false;
    for (const auto& f : r->failures) named = named || QString::fromStdString(f).startsWith(file + ":");
    QVERIFY2(named, qPrintable(QString::fromStdString(r->failures.front())));
}

void TestPackageVerifier::damagedPackageFails_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("message");
    QTest::newRow("model.pt missing") << "remove model.pt" << "model.pt: missing";
    QTest::newRow("golden expected missing") << "remove golden/expected.safetensors" << "golden/expected.safetensors: missing";
    QTest::newRow("manifest.sha256 missing") << "remove manifest.sha256" << "manifest.sha256: missing";
    QTest::newRow("manifest.json missing") << "remove manifest.json" << "manifest.json";
    QTest::newRow("an extra file") << "add notes.txt" << "notes.txt: not listed in the manifest";
    QTest::newRow("weights truncated") << "truncate weights.safetensors" << "weights.safetensors: ";
    QTest::newRow("weights grown by one byte") << "append weights.safetensors" << "weights.safetensors: ";
    QTest::newRow("not a folder") << "replace-with-file ." << "not a package folder";
    // Someone edits the manifest and updates manifest.sha256 to match: the files still give it away.
    QTest::newRow("manifest re-hashed with another weights hash") << "rehash weights" << "weights.safetensors: SHA-256";
    QTest::newRow("manifest re-hashed with another golden tolerance") << "rehash tolerance" << "golden/tolerance.json: tolerance";
    QTest::newRow("manifest re-hashed with a malformed section") << "rehash malformed" << "manifest.json: malformed";
    QTest::newRow("manifest re-hashed with another weights byte count") << "rehash bytes" << "weights.safetensors: data section has";
}

void TestPackageVerifier::damagedPackageFails() {
    QFETCH(QString, damage);
    QFETCH(QString, message);
    std::string pkg = copyPackage("damage");
    const QStringList parts = damage.split(' ');
    const std::string target = pkg + "/" + parts[1].toStdString();
    if (parts[0] == "remove") fs::remove(target);
    if (parts[0] == "add") QVERIFY(writeFileAtomic(target, "hello").ok());
    if (parts[0] == "truncate") fs::resize_file(target, fs::file_size(target) - 100);
    if (parts[0] == "append") fs::resize_file(target, fs::file_size(target) + 1);
    if (parts[0] == "rehash") {
        nlohmann::json m = nlohmann::json::parse(*readFile(pkg + "/manifest.json"));
        if (parts[1] == "weights") m["files"]["weights.safetensors"]["sha256"] = std::string(64, 'a');
        if (parts[1] == "tolerance") m["golden"]["max_abs_error"] = 0.5;
        if (parts[1] == "malformed") m["golden"] = "not an object";
        if (parts[1] == "bytes") m["weights"]["bytes"] = m["weights"]["bytes"].get<int64_t>() - 1;
        const std::string text = m.dump(2);
        QVERIFY(writeFileAtomic(pkg + "/manifest.json", text).ok());
        QVERIFY(writeFileAtomic(pkg + "/manifest.sha256", PackageLayout::manifestHashLine(sha256Hex(text.data(), text.size()))).ok());
    }
    if (parts[0] == "replace-with-file") {
        fs::remove_all(pkg);
        QVERIFY(writeFileAtomic(pkg, "not a folder").ok());
    }
    auto r = verifyPackage(pkg);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    bool found = false;
    for (const auto& f : r->failures) found = found || QString::fromStdString(f).contains(message);
    QVERIFY2(found, qPrintable(QString::fromStdString(r->failures.front())));
    if (parts[0] == "replace-with-file") fs::remove(pkg);
}

void TestPackageVerifier::metricsOnTheSameImages() {
    VerifyOptions o;
    o.trustCode = true;
    o.data = m_demo.data.get();
    auto r = verifyPackage(m_pkg, o);
    QVERIFY(r.ok());
    QVERIFY2(r->passed, r->failures.empty() ? "" : r->failures.front().c_str());
    QVERIFY(r->metricsChecked);
    QCOMPARE(r->n, m_demo.data->size());
    QVERIFY(r->metricsMaxRelDifference <= kMetricRelTolerance);
    // model.onnx through OpenCV DNN against the same graph's weights in LibTorch.
    QVERIFY(r->onnxMetricsChecked);
    qInfo("model.onnx (OpenCV DNN) metrics vs in memory: largest relative difference %.3g", r->onnxMetricsMaxRelDifference);
    QVERIFY(r->onnxMetricsMaxRelDifference <= kMetricRelTolerance);
}

void TestPackageVerifier::metricsOnOtherImagesRefused() {
    const test::DemoSetup other = test::loadDemo(10);
    QVERIFY(other.error.empty());
    VerifyOptions o;
    o.trustCode = true;
    o.data = other.data.get();
    auto r = verifyPackage(m_pkg, o);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    QVERIFY(!r->metricsChecked);
    QVERIFY2(QString::fromStdString(r->failures.front()).contains("differ from those the package was measured on"),
             r->failures.front().c_str());
}

void TestPackageVerifier::untrustedRunsNoCode() {
    // Without trust model.pt is a program we do not run; everything data-only still passes.
    auto r = verifyPackage(m_pkg);
    QVERIFY(r.ok());
    QVERIFY2(r->passed, r->failures.empty() ? "" : r->failures.front().c_str());
    QVERIFY(std::isnan(r->goldenMaxAbsError));          // model.pt did not run
    QVERIFY(r->goldenWeightsMaxAbsError <= r->goldenTolerance);  // the packed weights did
    QCOMPARE(int(r->skipped.size()), 1);
    QVERIFY2(QString::fromStdString(r->skipped.front()).startsWith("model.pt: skipped: contains code"), r->skipped.front().c_str());
}

void TestPackageVerifier::nothingLoadsAfterAFailedHash() {
    // model.pt replaced by a program that writes a file when loaded, with trust given: its
    // hash no longer matches, so it is never loaded.
    QTemporaryDir hostile;
    const auto h = test::runPythonFixture("io_make_hostile.py", {hostile.path()});
    QVERIFY2(h.exitCode == 0, qPrintable(h.err));
    const std::string pkg = copyPackage("swapped");
    fs::copy_file(hostile.filePath("setstate_writes.ts").toStdString(), pkg + "/model.pt", fs::copy_options::overwrite_existing);
    VerifyOptions trusted;
    trusted.trustCode = true;
    auto r = verifyPackage(pkg, trusted);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    QFile marker(hostile.filePath("marker.txt"));
    QVERIFY(marker.open(QIODevice::ReadOnly));
    QCOMPARE(marker.readAll(), QByteArray("untouched"));
    QVERIFY(QString::fromStdString(r->failures.front()).startsWith("model.pt: "));
    bool skipped = false;
    for (const auto& s : r->skipped) skipped = skipped || QString::fromStdString(s).contains("model.pt failed its hash check");
    QVERIFY(skipped);
}

void TestPackageVerifier::linksAreFindingsNotPaths_data() {
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("message");
    QTest::newRow("unlisted link to /") << "rootfs" << "/" << "rootfs: a symbolic link not listed in the manifest";
    QTest::newRow("link loop") << "loop" << "loop" << "loop: a symbolic link not listed in the manifest";
    QTest::newRow("listed file replaced by a link") << "README.md" << "/etc/hostname" << "README.md: is a symbolic link";
}

void TestPackageVerifier::linksAreFindingsNotPaths() {
    QFETCH(QString, link);
    QFETCH(QString, target);
    QFETCH(QString, message);
    const std::string pkg = copyPackage("links");
    fs::remove(pkg + "/" + link.toStdString());
    fs::create_symlink(target.toStdString(), pkg + "/" + link.toStdString());
    VerifyOptions trusted;
    trusted.trustCode = true;
    auto r = verifyPackage(pkg, trusted);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    bool found = false;
    for (const auto& f : r->failures) found = found || QString::fromStdString(f).contains(message);
    QVERIFY2(found, r->failures.front().c_str());
    // The other checks still ran: the weights were checked through the golden batch.
    QVERIFY(r->goldenWeightsMaxAbsError <= r->goldenTolerance);
    for (const auto& f : r->failures) QVERIFY2(!QString::fromStdString(f).contains("manifest.json: malformed"), f.c_str());
}

void TestPackageVerifier::oversizedManifestNamed() {
    const std::string pkg = copyPackage("bigmanifest");
    fs::resize_file(pkg + "/manifest.json", (17u << 20));
    auto r = verifyPackage(pkg);
    QVERIFY(r.ok());
    QVERIFY(!r->passed);
    bool found = false;
    for (const auto& f : r->failures) found = found || QString::fromStdString(f).contains("manifest.json: 17825792 bytes, more than the 16 MiB a manifest may have");
    QVERIFY2(found, r->failures.front().c_str());
}

QTEST_GUILESS_MAIN(TestPackageVerifier)
#include "tst_packageverifier.moc"
