// SPDX-License-Identifier: Apache-2.0
// Every exported ONNX file, run in ONNX Runtime (npm's onnxruntime-node, CPU): it must load,
// reproduce golden/onnx_expected within the golden tolerance, and give the package's
// model.onnx metrics on the metric images within 1e-5 relative. python3-onnx's checker must
// accept every file of opset <= 17 (it cannot read opset 21); an INT8 model.onnx must be under
// 0.45x the FP32 one; a DequantizeLinear scale edited (hashes recomputed) fails `pareto verify`
// by the structure check.

#include "exporttestdata.h"
#include "testsupport.h"

#include "common/atomicfile.h"
#include "common/hash.h"
#include "eval/evaluator.h"
#include "eval/metrics.h"
#include "export/packageexporter.h"
#include "export/packagelayout.h"
#include "export/packageverifier.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

using namespace pareto;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kImages = 100;

double relDiff(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-12}); }

double summaryVsJson(const MetricSummary& s, const nlohmann::json& j) {
    double worst = 0;
    for (const auto& [key, e] : {std::pair{"mse", &s.mse}, std::pair{"psnr", &s.psnr}, std::pair{"ssim", &s.ssim}}) {
        worst = std::max(worst, relDiff(e->mean, j[key]["mean"].get<double>()));
        worst = std::max(worst, relDiff(e->lo, j[key]["ci95"][0].get<double>()));
        worst = std::max(worst, relDiff(e->hi, j[key]["ci95"][1].get<double>()));
    }
    return worst;
}

}  // namespace

class TstOnnxRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        at::set_num_threads(2);
        m_demo = test::loadDemo(kImages);
        QVERIFY2(m_demo.error.empty(), m_demo.error.c_str());
        QVERIFY(m_dir.isValid());
        const at::Tensor images = m_demo.data->batch(0, m_demo.data->size()).to(at::kFloat).contiguous();
        m_imagesShape = std::vector<int64_t>(images.sizes().begin(), images.sizes().end());
        m_images = m_dir.filePath("images.f32");
        QVERIFY(writeFileAtomic(m_images.toStdString(), std::string(static_cast<const char*>(images.data_ptr()), images.nbytes())).ok());
    }

    void packagesRunInOnnxRuntime_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("jetpack");
        QTest::addColumn<QString>("firstFileStorage");  // storage of encoder.0.depthwise.weight
        // fp32 first: the INT8 rows compare their model.onnx with its size.
        QTest::newRow("fp32, Orin Nano JetPack 6") << "fp32" << "orin-nano-8gb" << "6" << "fp32";
        QTest::newRow("int8 per channel, Orin Nano JetPack 6") << "int8" << "orin-nano-8gb" << "6" << "int8+dq";
        QTest::newRow("int8 per channel, Orin NX JetPack 5.1") << "int8" << "orin-nx-16gb" << "5.1" << "int8+dq";
        QTest::newRow("int4 group 64, Orin Nano JetPack 6") << "int4-g64" << "orin-nano-8gb" << "6" << "fp16+cast";
        QTest::newRow("fp16, AGX Orin") << "fp16" << "agx-orin-64gb" << "6" << "fp16+cast";
        QTest::newRow("int8 asymmetric, Orin Nano") << "int8-asym" << "orin-nano-8gb" << "6" << "fp16+cast";
        QTest::newRow("nf4, Orin Nano") << "nf4" << "orin-nano-8gb" << "6" << "fp16+cast";
        QTest::newRow("int8 per channel, Jetson Nano (no INT8)") << "int8" << "jetson-nano-4gb" << "" << "fp16+cast";
    }
    void packagesRunInOnnxRuntime() {
        QFETCH(QString, scheme);
        QFETCH(QString, target);
        QFETCH(QString, jetpack);
        QFETCH(QString, firstFileStorage);
        const std::string pkg = m_dir.filePath(QString("pkg-%1-%2-%3").arg(scheme, target, jetpack)).toStdString();
        ExportRequest req = test::demoRequest(m_demo, pkg, scheme.toStdString());
        req.targetProfile = target.toStdString();
        req.jetpack = jetpack.toStdString();
        auto report = exportPackage(req);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QVERIFY(report->onnx.available);
        QCOMPARE(report->verification.onnxFilesRun, int64_t(3));
        const nlohmann::json m = nlohmann::json::parse(*readFile(pkg + "/manifest.json"));
        QCOMPARE(QString::fromStdString(m["onnx"]["tensors"][0]["storage"].get<std::string>()), firstFileStorage);

        // ONNX Runtime: every file loads and reproduces golden/onnx_expected; model.onnx on every image.
        const QString recon = m_dir.filePath("recon.f32");
        QStringList args{qEnvironmentVariable("PARETO_ORT_CHECK"), QString::fromStdString(pkg), "--images", m_images};
        for (int64_t d : m_imagesShape) args << QString::number(d);
        args << "--out" << recon;
        const test::ProcessResult run = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), args);
        qInfo("%s", qPrintable(run.out.trimmed()));
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const QJsonObject ortReport = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QVERIFY(ortReport["passed"].toBool());
        for (const auto& f : ortReport["files"].toArray()) QVERIFY(f.toObject()["max_abs_error"].toDouble() <= 1e-4);

        // ONNX Runtime's reconstructions give the package's model.onnx metrics.
        const at::Tensor images = m_demo.data->batch(0, m_demo.data->size()).to(at::kFloat);
        const at::Tensor y = test::readRawFloats(recon, m_imagesShape);
        const MetricSummary ortMetrics = summarize(computeMetrics(y, images));
        const double d = summaryVsJson(ortMetrics, m["onnx"]["metrics"]);
        qInfo("%s on %s: ONNX Runtime metrics vs manifest onnx.metrics: largest relative difference %.3g (MSE %.6g)", qPrintable(scheme),
              qPrintable(target), d, ortMetrics.mse.mean);
        QVERIFY(d <= 1e-5);

        // python3-onnx's checker for every file it can read (opset <= 17).
        QStringList files;
        for (const auto& f : m["onnx"]["files"])
            if (f["opset"].get<int>() <= 17) files << QString::fromStdString(pkg + "/" + f["file"].get<std::string>());
        if (!files.isEmpty()) {
            const test::ProcessResult c = test::runProcess(
                test::python(), QStringList{"-c", "import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint('ok')"} + files);
            QVERIFY2(c.exitCode == 0 && c.out.trimmed() == "ok", qPrintable(c.err));
        } else {
            QVERIFY(m["onnx"]["files"][0]["opset"].get<int>() == 21);
        }

        // Data only: `pareto verify` without --trust-code checks the ONNX files too.
        VerifyOptions vo;
        vo.data = m_demo.data.get();
        auto v = verifyPackage(pkg, vo);
        QVERIFY(v);
        QVERIFY2(v->passed, v->failures.empty() ? "" : v->failures.front().c_str());
        QVERIFY(v->onnxMetricsChecked);
        QCOMPARE(v->onnxFilesRun, int64_t(3));

        const int64_t bytes = static_cast<int64_t>(fs::file_size(pkg + "/model.onnx"));
        m_modelOnnxBytes[scheme + " " + target] = bytes;
        if (scheme == "int8" && target == "orin-nano-8gb") {
            const int64_t fp32 = m_modelOnnxBytes.value("fp32 orin-nano-8gb");
            qInfo("model.onnx: int8 %lld bytes, fp32 %lld bytes (%.3fx)", static_cast<long long>(bytes), static_cast<long long>(fp32),
                  double(bytes) / double(fp32));
            QVERIFY(fp32 > 0);
            QVERIFY(double(bytes) < 0.45 * double(fp32));
        }
        if (scheme == "int8" && target == "orin-nano-8gb") m_int8Package = pkg;
    }

    // A DequantizeLinear scale edited to disagree with the packed weights, with every hash
    // recomputed: the hashes pass, the structure check fails.
    void editedScaleFailsVerify() {
        QVERIFY(!m_int8Package.empty());
        const std::string pkg = m_dir.filePath("edited").toStdString();
        fs::copy(m_int8Package, pkg, fs::copy_options::recursive);
        const test::ProcessResult e = test::runProcess(
            test::python(),
            QStringList{"-c",
                        "import onnx, sys\nfrom onnx import numpy_helper\nm = onnx.load(sys.argv[1])\n"
                        "for i, t in enumerate(m.graph.initializer):\n"
                        "    if t.name == 'decoder.4.weight.scale':\n"
                        "        a = numpy_helper.to_array(t).copy(); a[3] *= 1.001\n"
                        "        m.graph.initializer[i].CopyFrom(numpy_helper.from_array(a, t.name))\n"
                        "onnx.save(m, sys.argv[1])\nprint('edited')",
                        QString::fromStdString(pkg + "/model.onnx")});
        QVERIFY2(e.exitCode == 0 && e.out.trimmed() == "edited", qPrintable(e.err));
        nlohmann::json m = nlohmann::json::parse(*readFile(pkg + "/manifest.json"));
        auto sha = sha256File(pkg + "/model.onnx");
        QVERIFY(sha);
        m["files"]["model.onnx"]["sha256"] = *sha;
        m["files"]["model.onnx"]["bytes"] = static_cast<int64_t>(fs::file_size(pkg + "/model.onnx"));
        const std::string text = m.dump(2);
        QVERIFY(writeFileAtomic(pkg + "/manifest.json", text).ok());
        QVERIFY(writeFileAtomic(pkg + "/manifest.sha256", PackageLayout::manifestHashLine(sha256Hex(text.data(), text.size()))).ok());

        auto v = verifyPackage(pkg);
        QVERIFY(v);
        QVERIFY(!v->passed);
        for (const auto& c : v->checks)
            if (c.name.rfind("hash ", 0) == 0) QVERIFY2(c.passed, c.message.c_str());
        QCOMPARE(v->failures.size(), size_t(1));
        QVERIFY2(QString::fromStdString(v->failures.front()).contains("model.onnx: decoder.4.weight (int8+dq): DequantizeLinear scale [3]"),
                 v->failures.front().c_str());
        QCOMPARE(v->onnxFilesRun, int64_t(2));  // the encoder and decoder files still run; model.onnx never does
    }

private:
    test::DemoSetup m_demo;
    QTemporaryDir m_dir;
    QString m_images;
    std::vector<int64_t> m_imagesShape;
    QMap<QString, int64_t> m_modelOnnxBytes;
    std::string m_int8Package;
};

QTEST_GUILESS_MAIN(TstOnnxRuntime)
#include "tst_onnxruntime.moc"
