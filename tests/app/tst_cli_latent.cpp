// SPDX-License-Identifier: Apache-2.0
// The latent commands of the `pareto` CLI: `latent` (PCA fold, distillation), `sweep-latent`
// (table of mean +- CI over seeds, resumed from its cache), `sweep --latents` (the latent x
// bits grid) and `catalog`, on a real-PyTorch SAGE checkpoint and the embedded demo data.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestCliLatent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pcaFoldReloadsAsTinyVae();
    void pcaAtFullLatentChangesNothing();
    void distillWithScratchModel();
    void sweepLatentTableResumeAndCatalog();
    void sweepWithLatentAxis();
    void helpForEachCommand_data();
    void helpForEachCommand();
    void usageErrors_data();
    void usageErrors();

private:
    QJsonObject runJson(const QStringList& args);
    QString subset() const { return "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"); }
    QString demoModel() const { return test::resource("demo/tinyvae-fmnist-l16.safetensors"); }
    QTemporaryDir m_dir;
};

void TestCliLatent::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("cli_fixtures.py", {m_dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

QJsonObject TestCliLatent::runJson(const QStringList& args) {
    // inspect prints no progress, so it has no --quiet.
    const auto r = test::runCli(args + QStringList{"--json"} + (args[0] == "inspect" ? QStringList{} : QStringList{"--quiet"}));
    if (r.exitCode != 0) qWarning("pareto %s failed (%d): %s", qPrintable(args.join(' ')), r.exitCode, qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestCliLatent::pcaFoldReloadsAsTinyVae() {
    const QString out = m_dir.filePath("pca_k8.safetensors");
    const QString images = "folder:" + m_dir.filePath("images");
    const QJsonObject j = runJson({"latent", m_dir.filePath("sage_l16.pt"), "--data", images, "--k", "8", "--out", out});
    QCOMPARE(j["method"].toString(), QString("pca"));
    QCOMPARE(j["fold"].toString(), QString("pca-fold"));
    QCOMPARE(j["model"].toObject()["params"].toInteger(), qint64(31073 + 12290 * 8));
    QCOMPARE(j["model"].toObject()["latent_dim"].toInteger(), qint64(8));
    QCOMPARE(j["original"].toObject()["params"].toInteger(), qint64(227713));
    const QJsonArray curve = j["explained_variance_curve"].toArray();
    QCOMPARE(curve.size(), 16);
    for (int i = 1; i < curve.size(); ++i) QVERIFY(curve[i].toDouble() >= curve[i - 1].toDouble());
    QVERIFY(std::abs(curve[15].toDouble() - 1.0) < 1e-12);
    QCOMPARE(j["explained_variance"].toDouble(), curve[7].toDouble());
    for (const char* k : {"mse", "psnr", "ssim"}) QVERIFY(j["delta_vs_original"].toObject()[k].toObject().contains("significant"));
    QCOMPARE(j["n"].toInteger(), qint64(24));
    QVERIFY(!j["notes"].toArray().isEmpty());  // a folder without --split: calibration images are evaluated too

    // The file is an ordinary TinyVAE checkpoint, and measures the same from disk.
    const QJsonObject info = runJson({"inspect", out});
    QCOMPARE(info["arch"].toString(), QString("tinyvae"));
    QCOMPARE(info["latent_dim"].toInteger(), qint64(8));
    QCOMPARE(info["params"].toInteger(), qint64(129393));
    const QJsonObject ev = runJson({"eval", out, "--data", images});
    QCOMPARE(ev["mse"].toObject()["mean"].toDouble(), j["mse"].toObject()["mean"].toDouble());
}

void TestCliLatent::pcaAtFullLatentChangesNothing() {
    const QJsonObject j = runJson({"latent", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"), "--k", "16"});
    const double delta = j["delta_vs_original"].toObject()["mse"].toObject()["mean"].toDouble();
    QVERIFY2(std::abs(delta) < 1e-7, qPrintable(QString::number(delta)));
    QCOMPARE(j["model"].toObject()["params"].toInteger(), qint64(227713));
}

void TestCliLatent::distillWithScratchModel() {
    // A model "from scratch" at k = 8: one tiny epoch, enough to exercise the comparison.
    const QString scratch = m_dir.filePath("scratch_l8.safetensors");
    const auto t = test::runCli({"train", "--data", subset(), "--latent", "8", "--epochs", "1", "--limit", "128", "--val-limit", "32",
                                 "--test-limit", "32", "--seed", "3", "--out", scratch, "--quiet"});
    QVERIFY2(t.exitCode == 0, qPrintable(t.err));
    const QJsonObject j = runJson({"latent", demoModel(), "--data", subset(), "--k", "8", "--method", "distill", "--epochs", "1",
                                   "--train-limit", "256", "--val-limit", "64", "--limit", "64", "--calib-limit", "512", "--scratch", scratch});
    QCOMPARE(j["method"].toString(), QString("distill"));
    QCOMPARE(j["model"].toObject()["latent_dim"].toInteger(), qint64(8));
    const QJsonObject d = j["distill"].toObject();
    QCOMPARE(d["history"].toArray().size(), 1);
    QCOMPARE(d["teacher_weight"].toDouble(), 0.5);
    QVERIFY(d["pca_init"].toObject().contains("mse"));
    const QJsonObject gap = j["gap_recovered"].toObject();
    QCOMPARE(gap["scratch_models"].toArray().size(), 1);
    QCOMPARE(gap["n"].toInteger(), qint64(64));
    QVERIFY(gap["mse_pca"].toDouble() > 0 && gap["mse_student"].toDouble() > 0 && gap["mse_scratch"].toDouble() > 0);
    if (gap["defined"].toBool()) {
        const double expected = (gap["mse_pca"].toDouble() - gap["mse_student"].toDouble()) /
                                (gap["mse_pca"].toDouble() - gap["mse_scratch"].toDouble());
        QVERIFY(std::abs(gap["recovered"].toObject()["mean"].toDouble() - expected) < 1e-9);
    } else {
        QVERIFY(!gap["note"].toString().isEmpty());
        QVERIFY(gap["recovered"].toObject()["mean"].isNull());
    }
    QCOMPARE(j["scratch"].toObject()["models"].toArray().size(), 1);
}

void TestCliLatent::sweepLatentTableResumeAndCatalog() {
    const QString cache = m_dir.filePath("sweep-cache");
    const QStringList args{"sweep-latent", "--data", subset(), "--latents", "2,4", "--seeds", "2", "--epochs", "1", "--limit", "128",
                           "--val-limit", "32", "--test-limit", "64", "--cache", cache, "--quiet"};
    const auto r = test::runCli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // One row per latent size: mean +- CI over the two seeds.
    QVERIFY2(r.out.contains(QString::fromUtf8("±")), qPrintable(r.out));
    QVERIFY(r.out.contains("4 trained now, 0 from the cache"));
    int rows = 0;
    for (const QString& line : r.out.split('\n')) {
        if (!line.startsWith("  2 ") && !line.startsWith("  4 ")) continue;
        ++rows;
        QVERIFY(line.contains(QString::fromUtf8("±")));
    }
    QCOMPARE(rows, 2);

    const QJsonObject j = runJson(args.mid(0, args.size() - 1));
    QCOMPARE(j["trained"].toInt(), 0);
    QCOMPARE(j["loaded"].toInt(), 4);
    const QJsonArray table = j["rows"].toArray();
    QCOMPARE(table.size(), 2);
    for (const auto& v : table) {
        const QJsonObject row = v.toObject();
        QCOMPARE(row["seeds"].toArray(), QJsonArray({1, 2}));
        const QJsonObject mse = row["mse"].toObject();
        QCOMPARE(mse["n"].toInteger(), qint64(2));
        const QJsonArray ci = mse["ci95"].toArray();
        QVERIFY(ci[0].toDouble() < mse["mean"].toDouble() && mse["mean"].toDouble() < ci[1].toDouble());
    }
    QCOMPARE(j["runs"].toArray().size(), 4);
    for (const auto& run : j["runs"].toArray()) QVERIFY(run.toObject()["cached"].toBool());

    // The sweep's cache folder is itself a catalog of trained models.
    const QJsonObject c = runJson({"catalog", cache});
    QCOMPARE(c["latents"].toArray(), QJsonArray({2, 4}));
    for (const auto& g : c["groups"].toArray()) {
        QCOMPARE(g.toObject()["seeds"].toArray(), QJsonArray({1, 2}));
        QCOMPARE(g.toObject()["test_mse"].toObject()["n"].toInteger(), qint64(2));
    }
    // The demo catalog holds at least the main demo model (L = 16, seed 1).
    const QJsonObject demo = runJson({"catalog"});
    QVERIFY(demo["latents"].toArray().contains(16));
}

void TestCliLatent::sweepWithLatentAxis() {
    const QString prefix = m_dir.filePath("grid");
    const QJsonObject j = runJson({"sweep", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"), "--out", prefix,
                                   "--schemes", "int8", "--latents", "pca:4,8"});
    const QJsonArray rows = j["rows"].toArray();
    QCOMPARE(rows.size(), 6);  // (original, pca:4, pca:8) x (fp32, int8)
    QCOMPARE(rows[0].toObject()["method"].toString(), QString("original"));
    QVERIFY(rows[0].toObject()["reference"].toBool());
    QCOMPARE(rows[2].toObject()["method"].toString(), QString("pca"));
    QCOMPARE(rows[2].toObject()["k"].toInteger(), qint64(4));
    QCOMPARE(rows[2].toObject()["size"].toObject()["bytes"].toInteger(), qint64(4 * (31073 + 12290 * 4)));
    QCOMPARE(rows[5].toObject()["scheme"].toString(), QString("int8"));
    QVERIFY(rows[5].toObject()["size"].toObject()["bytes"].toInteger() < rows[4].toObject()["size"].toObject()["bytes"].toInteger());
    int front = 0;
    for (const auto& r : rows) front += r.toObject()["pareto"].toBool() ? 1 : 0;
    QVERIFY(front >= 1);
    QFile csv(prefix + ".csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 7);
    QVERIFY(lines[0].startsWith("method,k,seed,scheme,params,bytes"));
    QVERIFY(lines[3].startsWith("pca,4,,fp32,"));
}

void TestCliLatent::helpForEachCommand_data() {
    QTest::addColumn<QString>("command");
    QTest::newRow("latent") << "latent";
    QTest::newRow("sweep-latent") << "sweep-latent";
    QTest::newRow("catalog") << "catalog";
    QTest::newRow("sweep (latent axis)") << "sweep";
}

void TestCliLatent::helpForEachCommand() {
    QFETCH(QString, command);
    const auto r = test::runCli({command, "--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("usage: pareto " + command));
    if (command == "sweep") QVERIFY(r.out.contains("--latents"));
}

void TestCliLatent::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString ckpt = "CKPT";  // replaced with the fixture path
    QTest::newRow("latent without --k") << QStringList{"latent", ckpt, "--data", "folder:x"} << "--k is required";
    QTest::newRow("latent --k 0") << QStringList{"latent", ckpt, "--data", "folder:x", "--k", "0"} << "--k must be positive";
    QTest::newRow("latent --k above L") << QStringList{"latent", ckpt, "--data", "folder:x", "--k", "17"} << "larger than the model's latent size 16";
    QTest::newRow("latent unknown method") << QStringList{"latent", ckpt, "--data", "folder:x", "--k", "4", "--method", "svd"} << "pca or distill";
    QTest::newRow("latent teacher weight") << QStringList{"latent", ckpt, "--data", "folder:x", "--k", "4", "--teacher-weight", "2"} << "[0, 1]";
    QTest::newRow("sweep-latent bad list") << QStringList{"sweep-latent", "--data", "folder:x", "--latents", "4,x"} << "not a positive integer";
    QTest::newRow("sweep-latent repeated latent") << QStringList{"sweep-latent", "--data", "folder:x", "--latents", "4,4"} << "twice";
    QTest::newRow("sweep-latent no latents") << QStringList{"sweep-latent", "--data", "folder:x"} << "--latents is required";
    QTest::newRow("sweep unknown latent method") << QStringList{"sweep", ckpt, "--data", "folder:x", "--out", "p", "--latents", "svd:4"} << "unknown method 'svd'";
    QTest::newRow("sweep latent without method") << QStringList{"sweep", ckpt, "--data", "folder:x", "--out", "p", "--latents", "4"} << "needs a method";
    QTest::newRow("sweep trained without catalog") << QStringList{"sweep", ckpt, "--data", "folder:x", "--out", "p", "--latents", "trained:4"} << "--catalog";
    QTest::newRow("sweep latent option alone") << QStringList{"sweep", ckpt, "--data", "folder:x", "--out", "p", "--calib-limit", "5"} << "latent axis only";
}

void TestCliLatent::usageErrors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    args.replaceInStrings("CKPT", m_dir.filePath("sage_l16.pt"));
    const auto r = test::runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestCliLatent)
#include "tst_cli_latent.moc"
