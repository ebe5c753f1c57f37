// SPDX-License-Identifier: Apache-2.0
// The latent x bits grid: every (method, k) x scheme point on the same images, real bytes of
// the quantized latent-k models, deltas against the original FP32 model, one Pareto front;
// TorchScript models count their projection and keep FP32 rows only.
#include "latent/compoundsweep.h"
#include "latent/latentreduction.h"

#include "compress/modelcompressor.h"
#include "compress/schemesweep.h"
#include "eval/baseline.h"
#include "model/modelloader.h"
#include "model/tinyvae.h"

#include "latenttestdata.h"
#include "testsupport.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

LatentVariant pcaVariant(const std::shared_ptr<const Model>& model, const LatentStatistics& stats, int64_t k) {
    auto r = reduceLatentPca(model, stats, k);
    LatentVariant v;
    v.method = "pca";
    v.k = k;
    if (r.ok()) {
        v.model = r->model;
        v.explainedVariance = r->explainedVariance;
    }
    return v;
}

}  // namespace

class TestCompoundSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gridOverLatentsAndSchemes();
    void torchScriptQuantizedWithProjectionBytes();
    void cancelIsNotAnError();
};

void TestCompoundSweep::gridOverLatentsAndSchemes() {
    auto original = std::make_shared<const TinyVae>(TinyVae::randomInit({1, 8}, 3));
    const Dataset calib = test::rectangles(40, 1), data = test::rectangles(12, 2);
    const MeanImage mean{meanImageOf(calib), "calibration mean"};
    auto stats = collectLatentStatistics(*original, calib);
    QVERIFY(stats.ok());
    const std::vector<LatentVariant> variants{pcaVariant(original, *stats, 2), pcaVariant(original, *stats, 4)};
    auto plans = plansFromSchemes({"int8", "fp32", "int4"});
    QVERIFY(plans.ok());
    auto grid = sweepCompound(original, variants, *plans, data, mean, 5);
    QVERIFY2(grid.ok(), grid.ok() ? "" : grid.error().message.c_str());

    // 3 models x (fp32, int8, int4): the "fp32" plan is each model's FP32 row, not a second pass.
    QCOMPARE(grid->rows.size(), size_t(9));
    const std::vector<std::pair<std::string, int64_t>> order{{"original", 8}, {"original", 8}, {"original", 8}, {"pca", 2}, {"pca", 2},
                                                             {"pca", 2},      {"pca", 4},      {"pca", 4},      {"pca", 4}};
    for (size_t i = 0; i < order.size(); ++i) {
        QCOMPARE(grid->rows[i].method, order[i].first);
        QCOMPARE(grid->rows[i].k, order[i].second);
        QCOMPARE(grid->rows[i].scheme, std::string(i % 3 == 0 ? "fp32" : i % 3 == 1 ? "int8" : "int4"));
        QCOMPARE(grid->rows[i].metrics.mse.n, qint64(12));
    }
    const CompoundRow& ref = grid->rows[0];
    QVERIFY(ref.reference);
    QCOMPARE(ref.deltaVsOriginal.mse.estimate.mean, 0.0);
    QCOMPARE(ref.size.bytes, 4 * (TinyVaeConfig{1, 8}.parameterCount()));
    QCOMPARE(grid->rows[3].size.bytes, 4 * (TinyVaeConfig{1, 2}.parameterCount()));
    QCOMPARE(grid->rows[3].size.params, (TinyVaeConfig{1, 2}.parameterCount()));
    QVERIFY(grid->rows[3].explainedVariance > 0 && grid->rows[3].explainedVariance < 1);

    // Bytes of a quantized latent-k point are those of compressing the folded model itself.
    auto compressed = compressModel(*variants[1].model, (*plans)[2]);
    QVERIFY(compressed.ok());
    QCOMPARE(grid->rows[8].size.bytes, compressed->quantized.size.bytes);
    QVERIFY(grid->rows[8].size.bytes < grid->rows[6].size.bytes);
    // Quality: the same images for every point, deltas paired with the original FP32 model.
    auto direct = evaluateModel(*compressed->model, data, 5);
    QVERIFY(direct.ok());
    QCOMPARE(grid->rows[8].metrics.mse.mean, summarize(*direct).mse.mean);
    QCOMPARE(grid->rows[8].deltaVsOriginal.mse.estimate.mean, pairedDeltas(grid->original.perImage, *direct).mse.estimate.mean);

    // One front across both axes.
    std::vector<std::pair<int64_t, double>> points;
    for (const auto& r : grid->rows) points.emplace_back(r.size.bytes, r.metrics.mse.mean);
    const std::vector<bool> front = paretoFront(points);
    int onFront = 0;
    for (size_t i = 0; i < grid->rows.size(); ++i) {
        QCOMPARE(grid->rows[i].pareto, bool(front[i]));
        onFront += front[i] ? 1 : 0;
    }
    QVERIFY(onFront >= 1);
    // The smallest point is always on the front.
    size_t smallest = 0;
    for (size_t i = 1; i < grid->rows.size(); ++i)
        if (grid->rows[i].size.bytes < grid->rows[smallest].size.bytes) smallest = i;
    QVERIFY(grid->rows[smallest].pareto);
}

void TestCompoundSweep::torchScriptQuantizedWithProjectionBytes() {
    QTemporaryDir dir;
    const auto r = test::runPythonFixture("latent_fixtures.py", {dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    CheckpointLoadOptions trusted;
    trusted.trustCode = true;  // our own fixture
    auto script = loadModel(dir.filePath("sage_l16_script.pt").toStdString(), trusted);
    QVERIFY(script.ok());
    at::Generator gen = at::detail::createCPUGenerator(1);
    Dataset data;
    data = Dataset::fromImages(at::rand({6, 3, 64, 64}, gen));
    data.ids.resize(6);
    data.identity = "noise";
    auto stats = collectLatentStatistics(*script->model, data);
    QVERIFY(stats.ok());
    auto plans = plansFromSchemes({"int8"});
    QVERIFY(plans.ok());
    auto grid = sweepCompound(script->model, {pcaVariant(script->model, *stats, 4)}, *plans, data,
                              MeanImage{data.all().mean(0), "noise mean"}, 3);
    QVERIFY2(grid.ok(), grid.ok() ? "" : grid.error().message.c_str());
    // A TorchScript model is quantized like any other: FP32 and INT8 for both latents.
    QCOMPARE(grid->rows.size(), size_t(4));
    QVERIFY(grid->warnings.empty());
    const auto row = [&](const std::string& method, const std::string& scheme) -> const CompoundRow* {
        for (const auto& r : grid->rows)
            if (r.method == method && r.scheme == scheme) return &r;
        return nullptr;
    };
    const ModelInfo info = script->model->info();
    const int64_t baseBytes = info.fp32Bytes();
    QVERIFY(row("original", "fp32") && row("pca", "fp32") && row("original", "int8") && row("pca", "int8"));
    QCOMPARE(row("original", "fp32")->size.bytes, baseBytes);
    // The projection's basis [16, 4] and mean [16] count in FP32 on top of the model.
    const CompoundRow* pcaFp32 = row("pca", "fp32");
    QCOMPARE(pcaFp32->size.bytes, baseBytes + 4 * (16 * 4 + 16));
    QVERIFY(pcaFp32->size.find("pca.basis"));
    QCOMPARE(pcaFp32->size.find("pca.basis")->bytes, qint64(4 * 16 * 4));
    QCOMPARE(pcaFp32->size.find("pca.mean")->bytes, qint64(4 * 16));
    const CompoundRow* pcaInt8 = row("pca", "int8");
    QCOMPARE(pcaInt8->size.find("pca.basis")->scheme, std::string("fp32"));
    QCOMPARE(pcaInt8->size.bytes - row("original", "int8")->size.bytes, qint64(4 * (16 * 4 + 16)));
    QVERIFY(row("original", "int8")->size.bytes < baseBytes / 3);
}

void TestCompoundSweep::cancelIsNotAnError() {
    auto original = std::make_shared<const TinyVae>(TinyVae::randomInit({1, 4}, 3));
    const Dataset data = test::rectangles(8, 2);
    auto stats = collectLatentStatistics(*original, data);
    QVERIFY(stats.ok());
    auto plans = plansFromSchemes({"int8", "int4"});
    int calls = 0;
    const ProgressSink sink([&](double, const std::string&) { return ++calls < 5; });
    auto grid = sweepCompound(original, {pcaVariant(original, *stats, 2)}, *plans, data, MeanImage{meanImageOf(data), "mean"}, 4, sink);
    QVERIFY(!grid.ok());
    QVERIFY(grid.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestCompoundSweep)
#include "tst_compoundsweep.moc"
