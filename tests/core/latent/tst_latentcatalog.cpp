// SPDX-License-Identifier: Apache-2.0
// The catalog of trained checkpoints: discovery from headers, seeds from pareto.seed or the
// command, grouping by latent size with a t-interval over seeds, bad files skipped with a
// warning, the demo catalog resolved from the resource folder.
#include "latent/latentcatalog.h"

#include "common/resourcepaths.h"
#include "io/safetensors.h"
#include "model/tinyvae.h"

#include "testsupport.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdlib>

using namespace pareto;

namespace {

using Meta = std::map<std::string, std::string>;

std::string writeModel(const QTemporaryDir& dir, const QString& name, int64_t latent, const Meta& meta, int64_t channels = 1) {
    const std::string path = dir.filePath(name).toStdString();
    const TinyVae m = TinyVae::randomInit({channels, latent}, static_cast<uint64_t>(latent));
    if (!writeSafetensors(path, m.weights(), meta).ok()) return {};
    return path;
}

Meta trained(int64_t latent, const std::string& seedPart, double mse) {
    return {{"pareto.arch", "tinyvae"},
            {"pareto.latent_dim", std::to_string(latent)},
            {"pareto.command", "pareto train --data fashion-mnist --latent " + std::to_string(latent) + seedPart + " --epochs 12"},
            {"pareto.test_mse", std::to_string(mse)},
            {"pareto.test_mse_ci95", std::to_string(mse * 0.9) + "," + std::to_string(mse * 1.1)},
            {"pareto.test_data", "fashion-mnist:/x split=test n=10000"},
            {"pareto.train_data", "fashion-mnist:/x split=train n=54000"},
            {"pareto.best_epoch", "7"},
            {"pareto.seconds_per_epoch", "41.5"}};
}

}  // namespace

class TestLatentCatalog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void seedFromCommandLine_data();
    void seedFromCommandLine();
    void discoversAndGroups();
    void seedSources();
    void badFilesAreSkippedWithWarnings();
    void explicitFilesAndDuplicates();
    void demoCatalogFromResourceDir();
    void headerReaderAgreesWithFullReader();
    void realDemoModelIsListed();
};

void TestLatentCatalog::seedFromCommandLine_data() {
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("seed");  // -1: none
    QTest::newRow("--seed N") << "pareto train --latent 8 --seed 2 --out x" << 2;
    QTest::newRow("--seed=N") << "pareto train --seed=17" << 17;
    QTest::newRow("no seed") << "pareto train --latent 8" << -1;
    QTest::newRow("malformed") << "pareto train --seed two" << -1;
    QTest::newRow("negative") << "pareto train --seed -3" << -1;
    QTest::newRow("trailing --seed") << "pareto train --seed" << -1;
}

void TestLatentCatalog::seedFromCommandLine() {
    QFETCH(QString, command);
    QFETCH(int, seed);
    const auto s = seedFromCommand(command.toStdString());
    QCOMPARE(s.has_value(), seed >= 0);
    if (s) QCOMPARE(static_cast<int>(*s), seed);
}

void TestLatentCatalog::discoversAndGroups() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeModel(dir, "l4-s1.safetensors", 4, trained(4, " --seed 1", 0.020));
    writeModel(dir, "l4-s2.safetensors", 4, trained(4, " --seed 2", 0.022));
    writeModel(dir, "l4-s3.safetensors", 4, trained(4, " --seed 3", 0.021));
    writeModel(dir, "l8-s1.safetensors", 8, trained(8, " --seed 1", 0.012));
    writeModel(dir, "l2-s1.safetensors", 2, trained(2, " --seed 1", 0.030));
    Meta pca = trained(2, " --seed 1", 0.05);
    pca["pareto.latent_method"] = "pca";
    writeModel(dir, "pca-k2.safetensors", 2, pca);
    QFile log(dir.filePath("l8-s1.train.json"));
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.write("{}");
    log.close();

    LatentCatalog c;
    c.addFolder(dir.path().toStdString());
    QVERIFY2(c.warnings().empty(), c.warnings().empty() ? "" : c.warnings()[0].c_str());
    QCOMPARE(c.entries().size(), size_t(6));
    QVERIFY(c.latents() == (std::vector<int64_t>{2, 4, 8}));
    QVERIFY(c.latents("pca") == (std::vector<int64_t>{2}));

    const auto groups = c.groups();
    QCOMPARE(groups.size(), size_t(3));
    const CatalogGroup& g4 = groups[1];
    QCOMPARE(g4.latentDim, qint64(4));
    QCOMPARE(g4.params, (TinyVaeConfig{1, 4}.parameterCount()));
    QCOMPARE(g4.entries.size(), size_t(3));
    QCOMPARE(*g4.entries[0].seed, uint64_t(1));
    QCOMPARE(*g4.entries[2].seed, uint64_t(3));
    // Mean +- t-interval over the three seeds' stored test MSEs.
    const Estimate expected = tMeanCI({0.020, 0.022, 0.021});
    QCOMPARE(g4.testMse.n, qint64(3));
    QVERIFY(std::abs(g4.testMse.mean - expected.mean) < 1e-12);
    QVERIFY(std::abs(g4.testMse.lo - expected.lo) < 1e-12 && std::abs(g4.testMse.hi - expected.hi) < 1e-12);
    QVERIFY(g4.testMse.lo < g4.testMse.mean && g4.testMse.mean < g4.testMse.hi);
    // One seed: the interval collapses to the value (n = 1), never a made-up width.
    QCOMPARE(groups[2].testMse.n, qint64(1));
    QCOMPARE(groups[2].testMse.lo, groups[2].testMse.hi);

    const CatalogEntry* e = c.find(8, 1);
    QVERIFY(e);
    QCOMPARE(e->bestEpoch, 7);
    QCOMPARE(e->secondsPerEpoch, 41.5);
    QVERIFY(e->testMseCi.has_value());
    QVERIFY(QString::fromStdString(e->logPath).endsWith("l8-s1.train.json"));
    QVERIFY(!c.find(8, 2));
    QVERIFY(c.find(2, 1, "pca"));
    QCOMPARE(c.entriesFor(2).size(), size_t(1));  // the PCA file is not a trained model
}

void TestLatentCatalog::seedSources() {
    QTemporaryDir dir;
    Meta explicitSeed = trained(4, " --seed 9", 0.02);
    explicitSeed["pareto.seed"] = "5";  // the key wins over the command
    writeModel(dir, "a.safetensors", 4, explicitSeed);
    writeModel(dir, "b.safetensors", 4, trained(4, " --seed 6", 0.02));
    writeModel(dir, "c.safetensors", 4, trained(4, "", 0.02));  // pareto train without --seed
    writeModel(dir, "d.safetensors", 4, {});                    // no metadata at all
    LatentCatalog c;
    c.addFolder(dir.path().toStdString());
    QCOMPARE(c.entries().size(), size_t(4));
    QCOMPARE(*c.entries()[0].seed, uint64_t(5));
    QCOMPARE(c.entries()[0].seedSource, std::string("pareto.seed"));
    QCOMPARE(*c.entries()[1].seed, uint64_t(6));
    QCOMPARE(c.entries()[1].seedSource, std::string("pareto.command"));
    QCOMPARE(*c.entries()[2].seed, uint64_t(1));
    QCOMPARE(c.entries()[2].seedSource, std::string("default"));
    QVERIFY(!c.entries()[3].seed.has_value());
    QVERIFY(!c.entries()[3].testMse.has_value());
    // Seeds ascending, unknown last; the one without a test MSE does not enter the mean.
    const auto g = c.groups();
    QCOMPARE(g.size(), size_t(1));
    QCOMPARE(*g[0].entries[0].seed, uint64_t(1));
    QVERIFY(!g[0].entries[3].seed.has_value());
    QCOMPARE(g[0].testMse.n, qint64(3));
}

void TestLatentCatalog::badFilesAreSkippedWithWarnings() {
    QTemporaryDir dir;
    writeModel(dir, "good.safetensors", 4, trained(4, " --seed 1", 0.02));
    // Not a TinyVAE, a truncated file, a lying latent_dim.
    StateDict other;
    other.set("classifier.weight", at::zeros({3, 3}));
    QVERIFY(writeSafetensors(dir.filePath("other.safetensors").toStdString(), other).ok());
    QFile bad(dir.filePath("truncated.safetensors"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":", 13);
    bad.close();
    Meta lying = trained(4, " --seed 2", 0.02);
    lying["pareto.latent_dim"] = "16";
    writeModel(dir, "lying.safetensors", 4, lying);
    QFile notes(dir.filePath("notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.close();

    LatentCatalog c;
    c.addFolder(dir.path().toStdString());
    QCOMPARE(c.entries().size(), size_t(1));
    QCOMPARE(c.warnings().size(), size_t(3));
    const QString all = QString::fromStdString(c.warnings()[0] + "\n" + c.warnings()[1] + "\n" + c.warnings()[2]);
    QVERIFY2(all.contains("other.safetensors") && all.contains("no built-in architecture"), qPrintable(all));
    QVERIFY(all.contains("truncated.safetensors"));
    QVERIFY(all.contains("lying.safetensors") && all.contains("pareto.latent_dim 16"));

    LatentCatalog missing;
    missing.addFolder(dir.filePath("does-not-exist").toStdString());
    QVERIFY(missing.empty());
    QCOMPARE(missing.warnings().size(), size_t(1));
}

void TestLatentCatalog::explicitFilesAndDuplicates() {
    QTemporaryDir dir;
    const std::string a = writeModel(dir, "a.safetensors", 4, trained(4, " --seed 1", 0.02));
    const std::string b = writeModel(dir, "b.safetensors", 4, trained(4, " --seed 1", 0.03));
    LatentCatalog c;
    QVERIFY(c.addFile(a).ok());
    QVERIFY(c.addFile(dir.path().toStdString() + "/./a.safetensors").ok());  // same file, other spelling
    QCOMPARE(c.entries().size(), size_t(1));
    QVERIFY(c.addFile(b).ok());
    const auto g = c.groups();
    QCOMPARE(g[0].entries.size(), size_t(2));
    QCOMPARE(g[0].warnings.size(), size_t(1));
    QVERIFY(QString::fromStdString(g[0].warnings[0]).contains("seed 1"));
    auto missing = c.addFile(dir.filePath("nope.safetensors").toStdString());
    QVERIFY(!missing.ok());
    QVERIFY(QString::fromStdString(missing.error().message).contains("nope.safetensors"));
}

void TestLatentCatalog::demoCatalogFromResourceDir() {
    QTemporaryDir res;
    QVERIFY(QDir(res.path()).mkpath("demo/latent"));
    const QByteArray saved = qgetenv("PARETO_RESOURCE_DIR");
    qputenv("PARETO_RESOURCE_DIR", res.path().toUtf8());
    QCOMPARE(QString::fromStdString(demoLatentFolder()), res.path() + "/demo/latent");
    // The main demo model (L=16 seed 1) plus the latent folder's models.
    QVERIFY(!writeModel(res, "demo/tinyvae-fmnist-l16.safetensors", 16, trained(16, " --seed 1", 0.0073)).empty());
    writeModel(res, "demo/latent/tinyvae-fmnist-l16-s2.safetensors", 16, trained(16, " --seed 2", 0.0075));
    writeModel(res, "demo/latent/tinyvae-fmnist-l4-s1.safetensors", 4, trained(4, " --seed 1", 0.02));
    writeModel(res, "demo/latent/tinyvae-fmnist-l4-s2.safetensors", 4, trained(4, " --seed 2", 0.021));
    const LatentCatalog c = demoLatentCatalog();
    qputenv("PARETO_RESOURCE_DIR", saved);
    QVERIFY(c.warnings().empty());
    QVERIFY(c.latents() == (std::vector<int64_t>{4, 16}));
    const auto g = c.groups();
    QCOMPARE(g[1].entries.size(), size_t(2));
    QVERIFY(QString::fromStdString(g[1].entries[0].path).endsWith("demo/tinyvae-fmnist-l16.safetensors"));
    QCOMPARE(g[1].testMse.n, qint64(2));
}

void TestLatentCatalog::headerReaderAgreesWithFullReader() {
    // The catalog reads headers only; they must say what the full reader loads.
    std::map<std::string, std::string> meta;
    auto full = readSafetensors(demoModelPath(), &meta);
    QVERIFY(full.ok());
    auto header = readSafetensorsHeader(demoModelPath());
    QVERIFY(header.ok());
    QCOMPARE(header->metadata, meta);
    QCOMPARE(header->tensors.size(), full->size());
    for (size_t i = 0; i < header->tensors.size(); ++i) {
        const at::Tensor* t = full->find(header->tensors[i].name);
        QVERIFY(t);
        QVERIFY(t->sizes().vec() == header->tensors[i].shape);
        QCOMPARE(header->tensors[i].dtype, std::string("F32"));
    }
    // Same validation: a header claiming more bytes than the file has is rejected, named.
    QTemporaryDir dir;
    const std::string bad = dir.filePath("short.safetensors").toStdString();
    StateDict sd;
    sd.set("w", at::zeros({4, 4}));
    QVERIFY(writeSafetensors(bad, sd).ok());
    QFile f(QString::fromStdString(bad));
    QVERIFY(f.resize(f.size() - 8));
    auto cut = readSafetensorsHeader(bad);
    QVERIFY(!cut.ok());
    QVERIFY(QString::fromStdString(cut.error().message).startsWith(QString::fromStdString(bad)));
}

void TestLatentCatalog::realDemoModelIsListed() {
    // The committed demo model: seed 1 read from its command (it predates pareto.seed).
    LatentCatalog c;
    QVERIFY(c.addFile(demoModelPath()).ok());
    const CatalogEntry& e = c.entries()[0];
    QCOMPARE(e.latentDim, qint64(16));
    QCOMPARE(e.channels, qint64(1));
    QCOMPARE(e.params, qint64(227371));
    QCOMPARE(*e.seed, uint64_t(1));
    QCOMPARE(e.seedSource, std::string("pareto.command"));
    QVERIFY(e.testMse && *e.testMse > 0.005 && *e.testMse < 0.01);
    QVERIFY(QString::fromStdString(e.logPath).endsWith("tinyvae-fmnist-l16.train.json"));
}

QTEST_GUILESS_MAIN(TestLatentCatalog)
#include "tst_latentcatalog.moc"
