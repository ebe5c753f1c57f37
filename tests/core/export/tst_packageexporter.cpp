// SPDX-License-Identifier: Apache-2.0
// The export job end to end on the embedded demo model: the package layout, sizes that match
// the size report, metrics equal to evaluateCompression's, real-PyTorch interoperability
// (torch.jit.load reproduces the golden outputs, numpy dequantizes weights.safetensors to
// model.pt's parameters, the README's verify.py passes), FP16 models, tar.gz, any TinyVAE;
// and the safety rules: a cancel or failure at every named stage leaves the destination
// absent and an earlier package untouched (with --force, with and without RENAME_EXCHANGE),
// existing packages are never overwritten silently, the recovery rule tidies crashes.
#include "common/atomicfile.h"
#include "common/hash.h"
#include "compress/compressionevaluation.h"
#include "export/exportjson.h"
#include "export/packageexporter.h"
#include "export/packageinstaller.h"
#include "export/packagelayout.h"
#include "export/packageverifier.h"
#include "export/packedweights.h"

#include "exporttestdata.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <unistd.h>

using namespace pareto;
namespace fs = std::filesystem;

namespace {

nlohmann::json readJson(const std::string& path) { return nlohmann::json::parse(*readFile(path)); }

void compareEstimate(const nlohmann::json& j, const Estimate& e) {
    QCOMPARE(j["mean"].get<double>(), e.mean);
    QCOMPARE(j["ci95"][0].get<double>(), e.lo);
    QCOMPARE(j["ci95"][1].get<double>(), e.hi);
    QCOMPARE(j["n"].get<int64_t>(), e.n);
}

void compareSummary(const nlohmann::json& j, const MetricSummary& s) {
    compareEstimate(j["mse"], s.mse);
    compareEstimate(j["psnr"], s.psnr);
    compareEstimate(j["ssim"], s.ssim);
}

}  // namespace

class TestPackageExporter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void int4Group64Package();
    void manifestMetricsEqualTheStudiosEvaluation();
    void pythonLoadsAndReproduces();
    void readmeVerifyScriptPasses();
    void fp16ModelHasItsOwnMetrics();
    void tarGzOfThePackage();
    void anyTinyVaeWithProvenance();
    void stopAtEveryStage_data();
    void stopAtEveryStage();
    void cancelTokenMidway_data();
    void cancelTokenMidway();
    void neverOverwritesSilently_data();
    void neverOverwritesSilently();
    void forceReplaces_data();
    void forceReplaces();
    void recoveryRule_data();
    void recoveryRule();
    void studioMetricsMustMatch();
    void badRequests_data();
    void badRequests();

private:
    QTemporaryDir m_dir;
    test::DemoSetup m_demo;   // 16 images
    test::DemoSetup m_small;  // 6 images, for the many stop rows
    std::string m_pkg;
    ExportReport m_report;
};

void TestPackageExporter::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_demo = test::loadDemo(16);
    QVERIFY2(m_demo.error.empty(), m_demo.error.c_str());
    m_small = test::loadDemo(6);
    QVERIFY2(m_small.error.empty(), m_small.error.c_str());
    m_pkg = m_dir.filePath("int4-g64").toStdString();
    auto r = exportPackage(test::demoRequest(m_demo, m_pkg, "int4-g64"));
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    m_report = std::move(*r);
    qInfo("int4-g64 demo package: %lld bytes (weights.safetensors %lld, data %lld = size report), export %.2f s, verify %.2f s, golden max error %.3g",
          static_cast<long long>(m_report.packageBytes), static_cast<long long>(m_report.weightsFile.fileBytes),
          static_cast<long long>(m_report.weightsFile.dataBytes), m_report.seconds, m_report.verifySeconds, m_report.goldenMaxAbsError);
}

void TestPackageExporter::int4Group64Package() {
    const ExportReport& r = m_report;
    QCOMPARE(QString::fromStdString(r.destination), QString::fromStdString(m_pkg));
    QVERIFY(r.verification.passed);
    QVERIFY(r.verification.metricsChecked);
    QVERIFY(test::exportLeftovers(m_dir.path().toStdString()).empty());
    const std::vector<std::string> expected{PackageLayout::kWeights,        PackageLayout::kModel,          "model.onnx",
                                            "encoder.onnx",                 "decoder.onnx",                 PackageLayout::kGoldenInput,
                                            PackageLayout::kGoldenExpected, PackageLayout::kGoldenOnnxExpected, PackageLayout::kGoldenTolerance,
                                            PackageLayout::kReadme,         PackageLayout::kVerifyTrt,      PackageLayout::kManifest,
                                            PackageLayout::kManifestHash};
    const auto digest = test::folderDigest(m_pkg);
    QCOMPARE(digest.size(), expected.size());
    for (const auto& f : expected) QVERIFY2(digest.count(f), f.c_str());
    // model.onnx through OpenCV DNN, re-measured from disk, against its weights in memory.
    QVERIFY(r.verification.onnxMetricsChecked);
    qInfo("model.onnx (OpenCV DNN) metrics vs in memory: largest relative difference %.3g", r.verification.onnxMetricsMaxRelDifference);
    QVERIFY(r.verification.onnxMetricsMaxRelDifference <= kMetricRelTolerance);
    int64_t total = 0;
    for (const auto& f : r.files) {
        QVERIFY2(digest.count(f.path), f.path.c_str());
        QCOMPARE(digest.at(f.path), f.sha256);
        QCOMPARE(int64_t(fs::file_size(m_pkg + "/" + f.path)), f.bytes);
        total += f.bytes;
    }
    QCOMPARE(r.packageBytes, total);

    // Sizes: the data section of weights.safetensors is exactly the size report's bytes;
    // the whole file adds the 8-byte length and the JSON header.
    const nlohmann::json m = readJson(m_pkg + "/manifest.json");
    const int64_t fileBytes = int64_t(fs::file_size(m_pkg + "/weights.safetensors"));
    QCOMPARE(m["weights"]["bytes"].get<int64_t>(), r.size.bytes);
    QCOMPARE(m["weights"]["data_bytes"].get<int64_t>(), r.size.bytes);
    QCOMPARE(m["weights"]["file_bytes"].get<int64_t>(), fileBytes);
    QCOMPARE(m["weights"]["header_bytes"].get<int64_t>() + r.size.bytes, fileBytes);
    QCOMPARE(r.weightsFile.dataBytes, r.size.bytes);
    QCOMPARE(m["weights"]["params"].get<int64_t>(), int64_t(227371));
    QCOMPARE(m["weights"]["fp32_bytes"].get<int64_t>(), int64_t(4 * 227371));
    QVERIFY(std::abs(m["weights"]["effective_bits_per_param"].get<double>() - 8.0 * double(r.size.bytes) / 227371.0) < 1e-12);
    int64_t perTensor = 0;
    for (const auto& t : m["weights"]["tensors"]) perTensor += t["bytes"].get<int64_t>();
    QCOMPARE(perTensor, r.size.bytes);
    // int4-g64 on the Linear layers: 4 bits of code + a 16-bit scale per 64 values.
    const double nominal = m["weights"]["nominal_bits_per_param"].get<double>();
    QVERIFY(nominal > 4.0 && nominal < 5.0);

    // The manifest: every section, the source's hash, the manifest's own hash.
    for (const char* k : {"schema", "schema_version", "created_utc", "tool", "source", "architecture", "configuration", "weights", "model",
                          "metrics", "golden", "target", "tensorrt", "warnings", "files"})
        QVERIFY2(m.contains(k), k);
    QCOMPARE(m["schema"].get<std::string>(), std::string(PackageLayout::kSchema));
    QCOMPARE(m["source"]["checkpoint_sha256"].get<std::string>(), *sha256File(demoModelPath()));
    QCOMPARE(m["architecture"]["latent_dim"].get<int64_t>(), int64_t(16));
    QCOMPARE(m["configuration"]["scheme"].get<std::string>(), std::string("int4-g64"));
    QCOMPARE(m["model"]["precision"].get<std::string>(), std::string("fp32"));
    QCOMPARE(m["target"]["profile"]["id"].get<std::string>(), std::string("orin-nano-8gb"));
    QVERIFY(m["target"]["fit"]["fits"].get<bool>());
    QVERIFY(m["tensorrt"]["warnings"].get<int>() > 0);  // int4 Conv weights: dequantized at load
    QCOMPARE(m["golden"]["max_abs_error"].get<double>(), kGoldenMaxAbsError);
    QCOMPARE(m["metrics"]["data"]["images_sha256"].get<std::string>(), datasetImagesSha256(*m_demo.data));
    QCOMPARE(m["files"].size(), expected.size() - 2);  // all but the manifest and its hash
    const std::string hashLine = *readFile(m_pkg + "/manifest.sha256");
    QCOMPARE(hashLine, *sha256File(m_pkg + "/manifest.json") + "  manifest.json\n");
    QVERIFY(r.goldenMaxAbsError <= r.goldenTolerance);
    QCOMPARE(ExportJson::report(r)["verification"]["verdict"].get<std::string>(), std::string("PASS"));
}

void TestPackageExporter::manifestMetricsEqualTheStudiosEvaluation() {
    // A fresh evaluation of the same configuration, as `pareto eval --quant int4-g64` runs it.
    QuantPlan plan;
    plan.defaultScheme = *QuantScheme::parse("int4-g64");
    auto comp = evaluateCompression(*m_demo.model, plan, *m_demo.data, m_demo.mean, 64);
    QVERIFY(comp.ok());
    const nlohmann::json m = readJson(m_pkg + "/manifest.json");
    compareSummary(m["metrics"]["baseline"], comp->fp32.summary);
    compareSummary(m["metrics"]["compressed"], comp->compressed);
    compareSummary(m["metrics"]["packaged_model"], comp->compressed);
    compareSummary(m["metrics"]["mean_image"], comp->fp32.baselineSummary);
    compareEstimate(m["metrics"]["delta_compressed_vs_baseline"]["mse"], comp->deltaVsFp32.mse.estimate);
    QCOMPARE(m["metrics"]["delta_compressed_vs_baseline"]["mse"]["significant"].get<bool>(), comp->deltaVsFp32.mse.significant);
    QCOMPARE(m["weights"]["bytes"].get<int64_t>(), comp->quantized.size.bytes);
    QCOMPARE(m["metrics"]["data"]["n"].get<int64_t>(), int64_t(16));
    QCOMPARE(m["metrics"]["data"]["split"].get<std::string>(), std::string("test"));
    // And the verifier re-measured the package from disk to the same numbers.
    QVERIFY(m_report.verification.metricsMaxRelDifference <= kMetricRelTolerance);
}

void TestPackageExporter::pythonLoadsAndReproduces() {
    const QString out = m_dir.filePath("python.json");
    const auto r = test::runPythonFixture("export_run_model.py", {QString::fromStdString(m_pkg), out});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(j["hashes_ok"].toBool());
    QVERIFY(j["methods"].toBool());
    QVERIFY(j["state_dict_keys_match_sage"].toBool());
    QCOMPARE(j["param_dtype"].toString(), QString("torch.float32"));
    const double tol = j["tolerance"].toDouble();
    QCOMPARE(tol, kGoldenMaxAbsError);
    QVERIFY2(j["golden_max_abs_error"].toDouble() <= tol, qPrintable(QString::number(j["golden_max_abs_error"].toDouble())));
    QVERIFY(j["golden_mu_max_abs_error"].toDouble() <= tol);
    QVERIFY(j["sage_max_abs_error"].toDouble() <= tol);  // SAGE's own PyTorch TinyVAE with model.pt's state_dict
    QCOMPARE(j["forward_equals_decode_mu"].toDouble(), 0.0);
    QCOMPARE(j["numpy_weights_vs_model_max_abs"].toDouble(), 0.0);
    QCOMPARE(j["weights_data_bytes"].toInteger(), m_report.size.bytes);
    qInfo("torch.jit.load in Python: golden max error %.3g (tolerance %.3g)", j["golden_max_abs_error"].toDouble(), tol);
}

void TestPackageExporter::readmeVerifyScriptPasses() {
    const std::string readme = *readFile(m_pkg + "/README.md");
    const auto begin = readme.find("# verify.py");
    QVERIFY(begin != std::string::npos);
    const auto end = readme.find("```", begin);
    QVERIFY(end != std::string::npos);
    const QString script = m_dir.filePath("verify.py");
    QVERIFY(writeFileAtomic(script.toStdString(), readme.substr(begin, end - begin)).ok());
    auto r = test::runProcess(test::python(), {script, QString::fromStdString(m_pkg)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY(r.out.contains("PASS"));
    // The same script catches an altered file.
    const std::string copy = m_dir.filePath("readme-copy").toStdString();
    fs::copy(m_pkg, copy, fs::copy_options::recursive);
    QVERIFY(test::flipByte(copy + "/golden/input.safetensors", "last"));
    r = test::runProcess(test::python(), {script, QString::fromStdString(copy)});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.contains("golden/input.safetensors"));
    QVERIFY(r.out.contains("FAIL"));
}

void TestPackageExporter::fp16ModelHasItsOwnMetrics() {
    ExportRequest req = test::demoRequest(m_demo, m_dir.filePath("fp16").toStdString(), "int8");
    req.modelPrecision = ModelPrecision::Fp16;
    auto r = exportPackage(req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(r->verification.passed);
    const nlohmann::json m = readJson(r->destination + "/manifest.json");
    QCOMPARE(m["model"]["precision"].get<std::string>(), std::string("fp16"));
    QVERIFY(m["metrics"].contains("delta_packaged_vs_compressed"));
    // Measured, not copied: the FP16 weights change the numbers a little, not a lot.
    const double a = m["metrics"]["packaged_model"]["mse"]["mean"].get<double>();
    const double b = m["metrics"]["compressed"]["mse"]["mean"].get<double>();
    QVERIFY(a != b);
    QVERIFY(std::abs(a - b) / b < 0.01);
    compareSummary(m["metrics"]["packaged_model"], r->packagedModel);
    // About half the model.pt of an FP32 export of the same weights.
    QVERIFY(m["model"]["file_bytes"].get<int64_t>() < 4 * 227371 * 6 / 10);
    const QString out = m_dir.filePath("python-fp16.json");
    const auto py = test::runPythonFixture("export_run_model.py", {QString::fromStdString(r->destination), out});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(j["param_dtype"].toString(), QString("torch.float16"));
    QVERIFY(j["golden_max_abs_error"].toDouble() <= j["tolerance"].toDouble());
    QCOMPARE(j["numpy_weights_vs_model_max_abs"].toDouble(), 0.0);
}

void TestPackageExporter::tarGzOfThePackage() {
    ExportRequest req = test::demoRequest(m_small, m_dir.filePath("with-tar").toStdString(), "int8");
    req.tar = true;
    auto r = exportPackage(req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(QString::fromStdString(r->tarPath), m_dir.filePath("with-tar.tar.gz"));
    QCOMPARE(int64_t(fs::file_size(r->tarPath)), r->tarBytes);
    const auto py = test::runPythonFixture("export_list_tar.py", {QString::fromStdString(r->tarPath), m_dir.filePath("tar.json"), m_dir.filePath("untarred")});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    // The extracted folder is the package, byte for byte, and verifies.
    QCOMPARE(test::folderDigest(m_dir.filePath("untarred/with-tar").toStdString()), test::folderDigest(r->destination));
    auto v = verifyPackage(m_dir.filePath("untarred/with-tar").toStdString());
    QVERIFY(v.ok() && v->passed);
}

void TestPackageExporter::anyTinyVaeWithProvenance() {
    // A latent-reduced model is just a TinyVAE with another L: the request takes any.
    ExportRequest req = test::demoRequest(m_small, m_dir.filePath("l8").toStdString(), "int8");
    req.model = std::make_shared<const TinyVae>(TinyVae::randomInit({1, 8}, 9));
    req.provenance = "TinyVAE with L = 8 (test stand-in for a latent-reduced model of the demo)";
    auto r = exportPackage(req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const nlohmann::json m = readJson(r->destination + "/manifest.json");
    QCOMPARE(m["architecture"]["latent_dim"].get<int64_t>(), int64_t(8));
    QCOMPARE(m["source"]["provenance"].get<std::string>(), req.provenance);
    // A random model is flagged, not hidden.
    QVERIFY(m["metrics"]["untrained_warning"].get<bool>());
    bool warned = false;
    for (const auto& w : m["warnings"]) warned = warned || w.get<std::string>().find("untrained") != std::string::npos;
    QVERIFY(warned);
    QVERIFY(r->verification.passed);
}

void TestPackageExporter::stopAtEveryStage_data() {
    QTest::addColumn<QString>("stage");
    QTest::addColumn<QString>("existing");  // "none", "package"
    QTest::addColumn<bool>("exchange");
    QTest::addColumn<bool>("cancel");       // false: the hook fails instead
    for (const char* s : {"measure", "write-weights", "write-model", "write-onnx", "write-golden", "write-readme", "write-manifest", "verify", "tar", "install"})
        QTest::newRow(qPrintable(QString("cancel at %1, no earlier package").arg(s))) << QString(s) << "none" << true << true;
    for (const char* s : {"measure", "write-model", "write-manifest", "verify", "tar", "install", "remove-old"})
        QTest::newRow(qPrintable(QString("failure at %1, --force over a package").arg(s))) << QString(s) << "package" << true << false;
    for (const char* s : {"install", "swap-aside", "remove-old"})
        QTest::newRow(qPrintable(QString("cancel at %1, --force without RENAME_EXCHANGE").arg(s))) << QString(s) << "package" << false << true;
}

void TestPackageExporter::stopAtEveryStage() {
    QFETCH(QString, stage);
    QFETCH(QString, existing);
    QFETCH(bool, exchange);
    QFETCH(bool, cancel);
    QTemporaryDir parent;
    const std::string dest = parent.filePath("pkg").toStdString();
    std::map<std::string, std::string> before;
    if (existing == "package") {
        fs::copy(m_pkg, dest, fs::copy_options::recursive);
        before = test::folderDigest(dest);
    }
    ExportRequest req = test::demoRequest(m_small, dest, "int8");
    req.force = existing == "package";
    req.tar = true;
    ExportHooks hooks;
    hooks.allowRenameExchange = exchange;
    bool reached = false;
    hooks.atStage = [&](const std::string& s) -> Status {
        if (s != stage.toStdString()) return Status::success();
        reached = true;
        return cancel ? Status(Error::cancelled()) : Status(fail("injected failure at " + s));
    };
    auto r = exportPackage(req, {}, hooks);
    QVERIFY(reached);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().isCancelled(), cancel);
    if (!cancel) QVERIFY2(r.error().message.find("injected failure") != std::string::npos, r.error().message.c_str());
    // Nothing new appeared; an earlier package is exactly as it was; nothing left behind.
    QCOMPARE(test::folderDigest(dest), before);
    QVERIFY(!fs::exists(dest + ".tar.gz"));
    const auto leftovers = test::exportLeftovers(parent.path().toStdString());
    QVERIFY2(leftovers.empty(), leftovers.empty() ? "" : leftovers.front().c_str());
    if (existing == "package") {
        auto v = verifyPackage(dest);
        QVERIFY(v.ok() && v->passed);
    }
}

void TestPackageExporter::cancelTokenMidway_data() {
    QTest::addColumn<QString>("stage");
    for (const char* st : {"measure", "write-golden", "verify", "install"}) QTest::newRow(st) << QString(st);
}

void TestPackageExporter::cancelTokenMidway() {
    // The dialog's Cancel button: the token flips while a stage runs; the job notices at its
    // next check (per batch, per stage) and cleans up.
    QFETCH(QString, stage);
    QTemporaryDir parent;
    const std::string dest = parent.filePath("pkg").toStdString();
    ExportRequest req = test::demoRequest(m_small, dest, "int8");
    const CancelToken token = makeCancelToken();
    std::vector<std::string> seen;
    const ProgressSink sink([&](double, const std::string& s) {
        seen.push_back(s);
        return true;
    }, token);
    ExportHooks hooks;
    hooks.atStage = [&](const std::string& s) {
        if (s == stage.toStdString()) token->store(true);
        return Status::success();
    };
    auto r = exportPackage(req, sink, hooks);
    QVERIFY(!r.ok());
    QVERIFY(r.error().isCancelled());
    QVERIFY(fs::is_empty(parent.path().toStdString()));
    QVERIFY(!seen.empty());
}

void TestPackageExporter::neverOverwritesSilently_data() {
    QTest::addColumn<QString>("existing");
    QTest::addColumn<bool>("force");
    QTest::addColumn<QString>("message");
    QTest::newRow("a package, no --force") << "package" << false << "use --force";
    QTest::newRow("a plain file, no --force") << "file" << false << "use --force";
    QTest::newRow("a folder of other files, --force") << "other" << true << "not a Pareto package";
    QTest::newRow("a plain file, --force") << "file" << true << "not a Pareto package";
    QTest::newRow("a tar.gz, no --force") << "tar" << false << ".tar.gz: already exists";
}

void TestPackageExporter::neverOverwritesSilently() {
    QFETCH(QString, existing);
    QFETCH(bool, force);
    QFETCH(QString, message);
    QTemporaryDir parent;
    const std::string dest = parent.filePath("pkg").toStdString();
    if (existing == "package") fs::copy(m_pkg, dest, fs::copy_options::recursive);
    if (existing == "file") QVERIFY(writeFileAtomic(dest, "precious").ok());
    if (existing == "other") {
        fs::create_directories(dest);
        QVERIFY(writeFileAtomic(dest + "/thesis.tex", "precious").ok());
    }
    if (existing == "tar") QVERIFY(writeFileAtomic(dest + ".tar.gz", "precious").ok());
    const auto before = test::folderDigest(parent.path().toStdString());
    ExportRequest req = test::demoRequest(m_small, dest, "int8");
    req.force = force;
    req.tar = true;
    auto r = exportPackage(req);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains(message), r.error().message.c_str());
    QCOMPARE(test::folderDigest(parent.path().toStdString()), before);
}

void TestPackageExporter::forceReplaces_data() {
    QTest::addColumn<bool>("exchange");
    QTest::newRow("with RENAME_EXCHANGE") << true;
    QTest::newRow("two renames (file systems without RENAME_EXCHANGE)") << false;
}

void TestPackageExporter::forceReplaces() {
    QFETCH(bool, exchange);
    QTemporaryDir parent;
    const std::string dest = parent.filePath("pkg").toStdString();
    fs::copy(m_pkg, dest, fs::copy_options::recursive);
    QVERIFY(writeFileAtomic(dest + ".tar.gz", "the old archive").ok());
    ExportRequest req = test::demoRequest(m_small, dest, "int8");
    req.force = true;
    req.tar = true;
    ExportHooks hooks;
    hooks.allowRenameExchange = exchange;
    std::vector<std::string> stages;
    hooks.atStage = [&](const std::string& s) {
        stages.push_back(s);
        return Status::success();
    };
    auto r = exportPackage(req, {}, hooks);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(r->replacedExisting);
    QCOMPARE(readJson(dest + "/manifest.json")["configuration"]["scheme"].get<std::string>(), std::string("int8"));
    auto v = verifyPackage(dest);
    QVERIFY(v.ok() && v->passed);
    QVERIFY(*readFile(dest + ".tar.gz") != "the old archive");
    QVERIFY(test::exportLeftovers(parent.path().toStdString()).empty());
    // Every stage was announced, in order; swap-aside only without RENAME_EXCHANGE.
    std::vector<std::string> expected;
    for (const auto& s : exportStages())
        if (s != "swap-aside" || !exchange) expected.push_back(s);
    QCOMPARE(stages, expected);
}

void TestPackageExporter::recoveryRule_data() {
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("expected");  // what DEST holds afterwards: "old", "new", "none"
    QTest::newRow("crash between the two renames: old package aside, DEST absent") << "aside" << "old";
    QTest::newRow("crash after the new package moved in: both present") << "aside+new" << "new";
    QTest::newRow("crash while writing: a staging folder of a dead process") << "partial-dead" << "none";
    QTest::newRow("a running export's staging folder is left alone") << "partial-alive" << "none";
    QTest::newRow("crash while writing the tar.gz") << "tar-tmp-dead" << "none";
}

void TestPackageExporter::recoveryRule() {
    QFETCH(QString, state);
    QFETCH(QString, expected);
    QTemporaryDir parent;
    const std::string dest = parent.filePath("pkg").toStdString();
    const PackageInstaller installer(dest);
    const long deadPid = 999999999;  // above any pid_max
    const std::string deadPartial = parent.filePath(QString(".pkg.partial-%1-7").arg(deadPid)).toStdString();
    const std::string alivePartial = parent.filePath(QString(".pkg.partial-%1-7").arg(::getpid())).toStdString();
    const std::string tarTmp = parent.filePath(QString("pkg.tar.gz.tmp-%1-3").arg(deadPid)).toStdString();
    if (state.startsWith("aside")) fs::copy(m_pkg, installer.asidePath(), fs::copy_options::recursive);
    if (state == "aside+new") {
        fs::create_directories(dest);
        QVERIFY(writeFileAtomic(dest + "/manifest.json", "new").ok());
    }
    if (state == "partial-dead") fs::create_directories(deadPartial);
    if (state == "partial-alive") fs::create_directories(alivePartial);
    if (state == "tar-tmp-dead") QVERIFY(writeFileAtomic(tarTmp, "half an archive").ok());
    const auto oldDigest = test::folderDigest(m_pkg);

    auto actions = installer.recover();
    QVERIFY(actions.ok());
    QCOMPARE(actions->empty(), state == "partial-alive");
    QVERIFY(!fs::exists(installer.asidePath()));
    QVERIFY(!fs::exists(deadPartial));
    QVERIFY(!fs::exists(tarTmp));
    QCOMPARE(fs::exists(alivePartial), state == "partial-alive");
    if (expected == "old") QCOMPARE(test::folderDigest(dest), oldDigest);
    if (expected == "new") QCOMPARE(*readFile(dest + "/manifest.json"), std::string("new"));
    if (expected == "none") QVERIFY(!fs::exists(dest));
}

void TestPackageExporter::studioMetricsMustMatch() {
    QTemporaryDir parent;
    ExportRequest req = test::demoRequest(m_small, parent.filePath("pkg").toStdString(), "int8");
    QuantPlan plan;
    plan.defaultScheme = QuantScheme::integer(8);
    auto comp = evaluateCompression(*m_small.model, plan, *m_small.data, m_small.mean, 64);
    QVERIFY(comp.ok());
    // What the studio showed for int8 on these images: accepted.
    req.studioMetrics = comp->compressed;
    QVERIFY(exportPackage(req).ok());
    // Numbers of another configuration: refused, nothing written.
    ExportRequest other = test::demoRequest(m_small, parent.filePath("pkg2").toStdString(), "int4");
    other.studioMetrics = comp->compressed;
    auto r = exportPackage(other);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.find("the studio showed") != std::string::npos, r.error().message.c_str());
    QVERIFY(!fs::exists(parent.filePath("pkg2").toStdString()));
}

void TestPackageExporter::badRequests_data() {
    QTest::addColumn<QString>("problem");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown target") << "target" << "unknown target 'jetson-tx2'";
    QTest::newRow("no model") << "model" << "no model";
    QTest::newRow("no images") << "data" << "no evaluation images";
    QTest::newRow("missing parent folder") << "parent" << "does not exist";
    QTest::newRow("missing source checkpoint") << "source" << "cannot open";
}

void TestPackageExporter::badRequests() {
    QFETCH(QString, problem);
    QFETCH(QString, message);
    QTemporaryDir parent;
    ExportRequest req = test::demoRequest(m_small, parent.filePath("pkg").toStdString(), "int8");
    if (problem == "target") req.targetProfile = "jetson-tx2";
    if (problem == "model") req.model.reset();
    if (problem == "data") req.data.reset();
    if (problem == "parent") req.destination = parent.filePath("no/such/pkg").toStdString();
    if (problem == "source") req.sourceCheckpoint = parent.filePath("gone.pt").toStdString();
    auto r = exportPackage(req);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains(message), r.error().message.c_str());
    QVERIFY(fs::is_empty(parent.path().toStdString()));
}

QTEST_GUILESS_MAIN(TestPackageExporter)
#include "tst_packageexporter.moc"
