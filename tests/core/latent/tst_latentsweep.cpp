// SPDX-License-Identifier: Apache-2.0
// The trained latent sweep, end to end on small data: runs per (latent, seed), mean +- t-CI
// over seeds, a cancel after the first finished run and a resume that trains only the rest,
// cache keys, distrust of damaged cache entries, re-measuring on other held-out images.
#include "latent/latentcatalog.h"
#include "latent/latentruncache.h"
#include "latent/latentsweep.h"

#include "eval/baseline.h"
#include "model/tinyvae.h"

#include "latenttestdata.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace pareto;

namespace {

struct SmallData {
    Dataset train = test::rectangles(240, 1), val = test::rectangles(40, 2), test = test::rectangles(60, 3);
    MeanImage mean{meanImageOf(train), "mean of the training rectangles"};
};

LatentSweepConfig smallConfig(const QString& cache) {
    LatentSweepConfig c;
    c.latents = {2, 4};
    c.seeds = 2;
    c.train.epochs = 1;
    c.train.batchSize = 32;
    c.train.learningRate = 3e-3;
    c.cacheDir = cache.toStdString();
    return c;
}

int recordsIn(const QString& dir) { return static_cast<int>(QDir(dir).entryList({"*.json"}, QDir::Files).size()); }

}  // namespace

class TestLatentSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cancelThenResume();
    void cacheKeyCoversInputs();
    void damagedCacheEntryIsRetrained();
    void otherTestImagesAreRemeasuredNotRetrained();
    void rejectsBadConfig();
    void durationText();
};

void TestLatentSweep::cancelThenResume() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const SmallData d;
    LatentSweepConfig config = smallConfig(dir.path());

    // 1. Interrupted through the sink right after the first run is finished and stored.
    std::atomic<bool> firstDone{false};
    std::vector<std::string> stages;
    config.onRunFinished = [&](const LatentRun&) { firstDone = true; };
    const ProgressSink stopAfterFirst([&](double, const std::string& stage) {
        stages.push_back(stage);
        return !firstDone.load();
    });
    auto interrupted = sweepLatents(d.train, d.val, d.test, d.mean, config, stopAfterFirst);
    QVERIFY(!interrupted.ok());
    QVERIFY(interrupted.error().isCancelled());
    QCOMPARE(recordsIn(dir.path()), 1);
    // Stage texts name the run and carry an ETA.
    bool sawEta = false, sawRun = false;
    for (const auto& s : stages) {
        sawEta = sawEta || s.find("ETA") != std::string::npos;
        sawRun = sawRun || s.find("run 1/4 (L=2, seed 1)") != std::string::npos;
    }
    QVERIFY(sawEta && sawRun);

    // 2. Resumed: only the three unfinished pairs are trained.
    std::vector<std::pair<int64_t, uint64_t>> trainedNow;
    config.onRunFinished = [&](const LatentRun& r) {
        if (!r.fromCache) trainedNow.emplace_back(r.latentDim, r.seed);
    };
    auto resumed = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY2(resumed.ok(), resumed.ok() ? "" : resumed.error().message.c_str());
    QCOMPARE(resumed->trained, 3);
    QCOMPARE(resumed->loaded, 1);
    QVERIFY((trainedNow == std::vector<std::pair<int64_t, uint64_t>>{{2, 2}, {4, 1}, {4, 2}}));
    QCOMPARE(resumed->runs.size(), size_t(4));
    QVERIFY(resumed->runs[0].fromCache);
    QCOMPARE(recordsIn(dir.path()), 4);

    // Mean +- t-interval over the two seeds of each latent size, on the held-out images.
    QCOMPARE(resumed->rows.size(), size_t(2));
    for (const LatentSweepRow& row : resumed->rows) {
        QCOMPARE(row.seeds, (std::vector<uint64_t>{1, 2}));
        QCOMPARE(row.mse.n, qint64(2));
        const Estimate expected = tMeanCI(row.seedMse);
        QCOMPARE(row.mse.mean, expected.mean);
        QCOMPARE(row.mse.hi, expected.hi);
        QVERIFY(row.mse.lo < row.mse.mean && row.mse.mean < row.mse.hi);
        QCOMPARE(row.params, (TinyVaeConfig{1, row.latentDim}.parameterCount()));
    }
    for (const LatentRun& r : resumed->runs) {
        QCOMPARE(r.test.shape[0], qint64(60));
        QCOMPARE(r.testMetrics.mse.n, qint64(60));
        QCOMPARE(r.epochsRun, 1);
        QVERIFY(r.secondsPerEpoch > 0);
    }
    QVERIFY(resumed->baselineMeanImage.mse.mean > 0);

    // 3. Everything cached now: nothing trained, identical numbers.
    config.onRunFinished = {};
    auto again = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY(again.ok());
    QCOMPARE(again->trained, 0);
    QCOMPARE(again->loaded, 4);
    for (size_t i = 0; i < 2; ++i) {
        QCOMPARE(again->rows[i].mse.mean, resumed->rows[i].mse.mean);
        QCOMPARE(again->rows[i].seedMse, resumed->rows[i].seedMse);
    }

    // The cache folder is a catalog of trained checkpoints, seeds included.
    LatentCatalog catalog;
    catalog.addFolder(dir.path().toStdString());
    QVERIFY(catalog.warnings().empty());
    QVERIFY(catalog.latents() == (std::vector<int64_t>{2, 4}));
    const auto groups = catalog.groups();
    QCOMPARE(groups[1].entries.size(), size_t(2));
    QCOMPARE(groups[1].entries[1].seedSource, std::string("pareto.seed"));
    QVERIFY(std::abs(groups[1].testMse.mean - resumed->rows[1].mse.mean) < 1e-5 * resumed->rows[1].mse.mean);
}

void TestLatentSweep::cacheKeyCoversInputs() {
    const SmallData d;
    LatentRunSpec base;
    base.arch.channels = 1;
    base.arch.latentDim = 4;
    base.train.latentDim = 4;
    base.trainData = fingerprintDataset(d.train);
    base.valData = fingerprintDataset(d.val);
    const std::string key = base.key();
    QCOMPARE(key.size(), size_t(64));
    QCOMPARE(LatentRunSpec(base).key(), key);

    LatentRunSpec seed = base;
    seed.train.seed = 2;
    LatentRunSpec lr = base;
    lr.train.learningRate = 1.0000000001e-3;
    LatentRunSpec patience = base;
    patience.train.patience = 0;
    LatentRunSpec data = base;
    data.trainData = fingerprintDataset(test::rectangles(240, 9));
    LatentRunSpec channels = base;
    channels.arch.channels = 3;
    for (const LatentRunSpec* s : {&seed, &lr, &patience, &data, &channels}) QVERIFY(s->key() != key);

    // Where the images came from does not matter, only what they are.
    LatentRunSpec renamed = base;
    renamed.trainData.identity = "same pixels, another path";
    QCOMPARE(renamed.key(), key);
}

void TestLatentSweep::damagedCacheEntryIsRetrained() {
    QTemporaryDir dir;
    const SmallData d;
    LatentSweepConfig config = smallConfig(dir.path());
    config.latents = {2};
    config.seeds = 1;
    auto first = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY(first.ok());
    const QString record = QString::fromStdString(LatentRunCache(config.cacheDir).recordPath(first->runs[0].key));
    QFile f(record);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{\"schema\": \"pareto.latent-run/1\", \"key\": ");  // a half-written record
    f.close();
    auto second = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY(second.ok());
    QCOMPARE(second->trained, 1);
    QCOMPARE(second->warnings.size(), size_t(1));
    QVERIFY(QString::fromStdString(second->warnings[0]).contains("unreadable record"));
    // Same seed, same data: the retrained run reproduces the first one.
    QCOMPARE(second->runs[0].testMetrics.mse.mean, first->runs[0].testMetrics.mse.mean);

    // A model file that no longer matches its record is not trusted either.
    QFile model(QString::fromStdString(second->runs[0].modelPath));
    QVERIFY(model.open(QIODevice::ReadWrite));
    model.seek(model.size() - 4);
    model.write("\x01\x02\x03\x04", 4);
    model.close();
    auto third = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY(third.ok());
    QCOMPARE(third->trained, 1);
    QVERIFY(QString::fromStdString(third->warnings[0]).contains("hash differs"));
}

void TestLatentSweep::otherTestImagesAreRemeasuredNotRetrained() {
    QTemporaryDir dir;
    const SmallData d;
    LatentSweepConfig config = smallConfig(dir.path());
    config.latents = {2};
    config.seeds = 1;
    auto first = sweepLatents(d.train, d.val, d.test, d.mean, config);
    QVERIFY(first.ok());
    const Dataset otherTest = test::rectangles(30, 7);
    auto second = sweepLatents(d.train, d.val, otherTest, d.mean, config);
    QVERIFY(second.ok());
    QCOMPARE(second->trained, 0);
    QCOMPARE(second->loaded, 1);
    QCOMPARE(second->runs[0].testMetrics.mse.n, qint64(30));
    QVERIFY(second->runs[0].test == fingerprintDataset(otherTest));
    // The record now describes the new images.
    auto third = sweepLatents(d.train, d.val, otherTest, d.mean, config);
    QVERIFY(third.ok());
    QCOMPARE(third->runs[0].testMetrics.mse.mean, second->runs[0].testMetrics.mse.mean);
}

void TestLatentSweep::rejectsBadConfig() {
    QTemporaryDir dir;
    const SmallData d;
    LatentSweepConfig c = smallConfig(dir.path());
    c.latents = {};
    QVERIFY(!sweepLatents(d.train, d.val, d.test, d.mean, c).ok());
    c.latents = {4, 4};
    QVERIFY(QString::fromStdString(sweepLatents(d.train, d.val, d.test, d.mean, c).error().message).contains("twice"));
    c.latents = {4};
    c.cacheDir.clear();
    QVERIFY(QString::fromStdString(sweepLatents(d.train, d.val, d.test, d.mean, c).error().message).contains("cache"));
    c = smallConfig(dir.path());
    c.seeds = 0;
    QVERIFY(!sweepLatents(d.train, d.val, d.test, d.mean, c).ok());
}

void TestLatentSweep::durationText() {
    QCOMPARE(formatDuration(12.4), std::string("12 s"));
    QCOMPARE(formatDuration(245), std::string("4 min 05 s"));
    QCOMPARE(formatDuration(7800), std::string("2 h 10 min"));
    QCOMPARE(formatDuration(-1), std::string("--"));
}

QTEST_GUILESS_MAIN(TestLatentSweep)
#include "tst_latentsweep.moc"
