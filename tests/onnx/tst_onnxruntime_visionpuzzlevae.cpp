// SAGE's VisionPuzzleVAE package (a checkpoint trained by real PyTorch, FIXTURES
// visionpuzzlevae) run in ONNX Runtime: encoder.onnx and decoder.onnx load, the encoder
// reproduces golden/onnx_expected's z_e and encoder -> nearest code (codebook.safetensors) ->
// decoder its reconstruction within 1e-4, the same chain gives the package's ONNX metrics
// within 1e-5 relative, python3-onnx's checker accepts both files, and `pareto verify` (data
// only) runs the chain with OpenCV DNN. 224 x 224 is slow on CPU: few images.

#include "exporttestdata.h"
#include "testsupport.h"

#include "common/atomicfile.h"
#include "eval/evaluator.h"
#include "eval/metrics.h"
#include "export/packagelayout.h"
#include "export/packageexporter.h"
#include "export/packageverifier.h"
#include "io/safetensors.h"
#include "model/modelloader.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace pareto;

namespace {

constexpr int64_t kImages = 6;

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

class TstOnnxRuntimeVisionPuzzleVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        at::set_num_threads(2);
        QVERIFY(m_dir.isValid());
        m_checkpoint = QDir(test::visionPuzzleVaeFixture()).filePath("vpvae.pt").toStdString();
        auto loaded = loadModel(m_checkpoint);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        m_model = loaded->model;
        auto spec = parseDataSpec("fashion-mnist");
        QVERIFY2(spec, spec ? "" : spec.error().message.c_str());
        m_spec = spec->text;
        DatasetLoadOptions o;
        o.split = Split::Test;
        o.limit = kImages;
        o = optionsForModel(m_model->info(), o);
        auto data = loadDataset(*spec, o);
        QVERIFY2(data, data ? "" : data.error().message.c_str());
        m_data = std::make_shared<const Dataset>(std::move(*data));
        auto mean = loadMeanImage(*spec, o);
        QVERIFY2(mean, mean ? "" : mean.error().message.c_str());
        m_mean = std::move(*mean);
        const at::Tensor images = m_data->batch(0, m_data->size()).to(at::kFloat).contiguous();
        m_imagesShape = std::vector<int64_t>(images.sizes().begin(), images.sizes().end());
        m_images = m_dir.filePath("images.f32");
        QVERIFY(writeFileAtomic(m_images.toStdString(), std::string(static_cast<const char*>(images.data_ptr()), images.nbytes())).ok());
    }

    void pairRunsInOnnxRuntime_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("convStorage");  // storage of encoder.encoder.0.weight
        QTest::newRow("int8 per channel, Orin Nano JetPack 6") << "int8" << "orin-nano-8gb" << "int8+dq";
        QTest::newRow("fp16, Jetson Nano (JetPack 4.6)") << "fp16" << "jetson-nano-4gb" << "fp16+cast";
    }
    void pairRunsInOnnxRuntime() {
        QFETCH(QString, scheme);
        QFETCH(QString, target);
        QFETCH(QString, convStorage);
        const std::string pkg = m_dir.filePath("pkg-" + scheme + "-" + target).toStdString();
        ExportRequest req;
        req.sourceCheckpoint = m_checkpoint;
        req.provenance = "VisionPuzzleVAE fixture trained by PyTorch";
        req.model = m_model;
        req.plan.defaultScheme = *QuantScheme::parse(scheme.toStdString());
        req.data = m_data;
        req.meanImage = m_mean;
        req.dataSpec = m_spec;
        req.split = "test";
        req.limit = kImages;
        req.targetProfile = target.toStdString();
        req.destination = pkg;
        req.goldenImages = 2;
        auto report = exportPackage(req);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QVERIFY(report->onnx.available);
        QCOMPARE(report->verification.onnxFilesRun, int64_t(2));
        QVERIFY(report->verification.onnxMetricsChecked);
        qInfo("%s on %s: OpenCV DNN golden max abs error %.3g", qPrintable(scheme), qPrintable(target), report->verification.onnxGoldenMaxAbsError);

        const nlohmann::json m = nlohmann::json::parse(*readFile(pkg + "/manifest.json"));
        QCOMPARE(m["onnx"]["files"].size(), size_t(2));
        QCOMPARE(m["onnx"]["files"][0]["file"].get<std::string>(), std::string("encoder.onnx"));
        QCOMPARE(m["onnx"]["files"][0]["output"]["shape"], nlohmann::json::array({64, 30, 30}));
        QCOMPARE(m["onnx"]["files"][1]["input"]["name"].get<std::string>(), std::string("z_q"));
        QCOMPARE(m["onnx"]["latent_step"]["kind"].get<std::string>(), std::string("nearest-code"));
        QCOMPARE(m["onnx"]["latent_step"]["shape"], nlohmann::json::array({10, 64}));
        QVERIFY(m["files"].contains("codebook.safetensors"));
        QVERIFY(!m["files"].contains("model.onnx"));
        for (const auto& t : m["onnx"]["tensors"])
            if (t["name"] == "encoder.encoder.0.weight") QCOMPARE(QString::fromStdString(t["storage"].get<std::string>()), convStorage);
        const std::string readme = *readFile(pkg + "/README.md");
        QVERIFY(readme.find("The nearest-code step") != std::string::npos);

        // ONNX Runtime: encoder, encoder -> nearest code -> decoder; the chain on every image.
        const QString recon = m_dir.filePath("recon.f32");
        QStringList args{qEnvironmentVariable("PARETO_ORT_CHECK"), QString::fromStdString(pkg), "--images", m_images};
        for (int64_t d : m_imagesShape) args << QString::number(d);
        args << "--out" << recon;
        const test::ProcessResult run = test::runProcess(qEnvironmentVariable("PARETO_NODE", "node"), args);
        qInfo("%s", qPrintable(run.out.trimmed()));
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const QJsonObject ortReport = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QVERIFY(ortReport["passed"].toBool());
        QCOMPARE(ortReport["files"].toArray().size(), 2);
        for (const auto& f : ortReport["files"].toArray()) QVERIFY(f.toObject()["max_abs_error"].toDouble() <= 1e-4);

        // The package's ONNX metrics are the chain's (in [0, 1] units: the output is in [-1, 1]).
        const at::Tensor images = m_data->batch(0, m_data->size()).to(at::kFloat);
        const at::Tensor y = test::readRawFloats(recon, m_imagesShape);
        QVERIFY(y.defined());
        const MetricSummary ortMetrics = summarize(computeMetrics((y + 1) / 2, images));
        const double d = summaryVsJson(ortMetrics, m["onnx"]["metrics"]);
        qInfo("%s on %s: ONNX Runtime metrics vs manifest onnx.metrics: largest relative difference %.3g (MSE %.6g)", qPrintable(scheme),
              qPrintable(target), d, ortMetrics.mse.mean);
        QVERIFY(d <= 1e-5);

        const test::ProcessResult c = test::runProcess(
            test::python(), QStringList{"-c", "import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint('ok')",
                                        QString::fromStdString(pkg + "/encoder.onnx"), QString::fromStdString(pkg + "/decoder.onnx")});
        QVERIFY2(c.exitCode == 0 && c.out.trimmed() == "ok", qPrintable(c.err));

        VerifyOptions vo;
        vo.data = m_data.get();
        auto v = verifyPackage(pkg, vo);
        QVERIFY(v);
        QVERIFY2(v->passed, v->failures.empty() ? "" : v->failures.front().c_str());
        QVERIFY(v->onnxMetricsChecked);
        QCOMPARE(v->onnxFilesRun, int64_t(2));
        QCOMPARE(v->onnxMetricsLabel, std::string("encoder.onnx -> nearest code -> decoder.onnx"));
        if (scheme == "int8") m_int8Package = pkg;
    }

    // A codebook file edited (hashes recomputed) no longer equals the packed codebook: the
    // verifier says so and runs no decoder on it.
    void editedCodebookFailsVerify() {
        QVERIFY(!m_int8Package.empty());
        const std::string pkg = m_dir.filePath("edited").toStdString();
        std::filesystem::copy(m_int8Package, pkg, std::filesystem::copy_options::recursive);
        auto cb = readSafetensors(pkg + "/codebook.safetensors");
        QVERIFY(cb);
        StateDict edited;
        edited.set("codebook", cb->get("codebook").clone().index_put_({3, 5}, cb->get("codebook")[3][5] + 0.01));
        QVERIFY(writeSafetensors(pkg + "/codebook.safetensors", edited, {}).ok());
        nlohmann::json m = nlohmann::json::parse(*readFile(pkg + "/manifest.json"));
        m["files"]["codebook.safetensors"]["sha256"] = *sha256File(pkg + "/codebook.safetensors");
        m["files"]["codebook.safetensors"]["bytes"] = static_cast<int64_t>(std::filesystem::file_size(pkg + "/codebook.safetensors"));
        const std::string text = m.dump(2);
        QVERIFY(writeFileAtomic(pkg + "/manifest.json", text).ok());
        QVERIFY(writeFileAtomic(pkg + "/manifest.sha256", PackageLayout::manifestHashLine(sha256Hex(text.data(), text.size()))).ok());

        auto v = verifyPackage(pkg);
        QVERIFY(v);
        QVERIFY(!v->passed);
        QVERIFY2(QString::fromStdString(v->failures.front()).contains("codebook.safetensors: the codebook differs from vq.codebook.weight"),
                 v->failures.front().c_str());
        QCOMPARE(v->onnxFilesRun, int64_t(1));  // the encoder runs; the decoder needs the codebook
    }

private:
    QTemporaryDir m_dir;
    std::string m_checkpoint;
    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Dataset> m_data;
    MeanImage m_mean;
    std::string m_spec;
    QString m_images;
    std::vector<int64_t> m_imagesShape;
    std::string m_int8Package;
};

QTEST_GUILESS_MAIN(TstOnnxRuntimeVisionPuzzleVae)
#include "tst_onnxruntime_visionpuzzlevae.moc"
