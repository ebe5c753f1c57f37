// SPDX-License-Identifier: Apache-2.0
// The `pareto` CLI against real PyTorch checkpoints: inspect and eval numbers, the
// untrained-model warning, and one-line errors for broken files.
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inspectSageStateDict();
    void evalAgreesWithPyTorch();
    void pairedDeltaAgainstItself();
    void quantizedEvalAgreesWithPyTorch_data();
    void quantizedEvalAgreesWithPyTorch();
    void quantizedEvalLeavesFp32Untouched();
    void precisionMapUnusedEntryWarns();
    void untrainedWarning_data();
    void untrainedWarning();
    void brokenFiles_data();
    void brokenFiles();
    void usageErrors_data();
    void usageErrors();
    void sweepWritesCsvAndJson();
    void sensitivityRanksEveryLayer();
    void autoMpRespectsBudget();
    void autoMpImpossibleBudget();
    void resultsDoNotDependOnThreads_data();
    void resultsDoNotDependOnThreads();

private:
    QJsonObject runJson(const QStringList& args);
    QTemporaryDir m_dir;
};

void TestCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("cli_fixtures.py", {m_dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

QJsonObject TestCli::runJson(const QStringList& args) {
    const auto r = test::runCli(args + QStringList{"--json"});
    if (r.exitCode != 0) qWarning("pareto %s failed: %s", qPrintable(args.join(' ')), qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

void TestCli::inspectSageStateDict() {
    const QJsonObject j = runJson({"inspect", m_dir.filePath("sage_l16.pt")});
    QCOMPARE(j["format"].toString(), QString("pytorch"));
    QCOMPARE(j["arch"].toString(), QString("tinyvae"));
    QCOMPARE(j["latent_dim"].toInteger(), 16);
    QCOMPARE(j["input_shape"].toArray(), QJsonArray({3, 64, 64}));
    QCOMPARE(j["params"].toInteger(), 227713);
    QCOMPARE(j["fp32_bytes"].toInteger(), 910852);
}

void TestCli::evalAgreesWithPyTorch() {
    QFile f(m_dir.filePath("reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject ref = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject j = runJson({"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"), "--quiet"});
    QCOMPARE(j["n"].toInteger(), ref["n"].toInteger());
    const double mse = j["mse"].toObject()["mean"].toDouble(), refMse = ref["mse_mean"].toDouble();
    QVERIFY2(std::abs(mse - refMse) / refMse < 0.005, qPrintable(QString("ours %1, PyTorch %2").arg(mse).arg(refMse)));
    const QJsonArray ci = j["mse"].toObject()["ci95"].toArray();
    QVERIFY(ci[0].toDouble() <= mse && mse <= ci[1].toDouble());
    for (const char* k : {"mse", "psnr", "ssim"}) QVERIFY(j["baseline_mean_image"].toObject().contains(k));
    QVERIFY(j.contains("untrained_warning"));
    QVERIFY(j.contains("untrained_reason"));
}

void TestCli::pairedDeltaAgainstItself() {
    // A model against a copy of itself: every delta is exactly 0 and not significant.
    const QJsonObject j = runJson({"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                   "--baseline", m_dir.filePath("sage_l16.pt"), "--quiet"});
    const QJsonObject d = j["delta_vs_baseline"].toObject();
    for (const char* k : {"mse", "psnr", "ssim"}) {
        QCOMPARE(d[k].toObject()["mean"].toDouble(), 0.0);
        QCOMPARE(d[k].toObject()["significant"].toBool(), false);
    }
}

void TestCli::quantizedEvalAgreesWithPyTorch_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("reference");
    QTest::newRow("int8 per-channel") << QStringList{"--quant", "int8"} << "int8";
    QTest::newRow("int4 per-channel") << QStringList{"--quant", "int4", "--granularity", "channel"} << "int4";
    QTest::newRow("int4 group-64") << QStringList{"--quant", "int4", "--granularity", "group", "--group-size", "64"} << "int4-g64";
}

void TestCli::quantizedEvalAgreesWithPyTorch() {
    QFETCH(QStringList, flags);
    QFETCH(QString, reference);
    QFile f(m_dir.filePath("reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const double refMse = QJsonDocument::fromJson(f.readAll()).object()["quantized_mse"].toObject()[reference].toDouble();
    const QJsonObject j = runJson(QStringList{"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"), "--quiet"} + flags);
    const double mse = j["mse"].toObject()["mean"].toDouble();
    QVERIFY2(refMse > 0 && std::abs(mse - refMse) / refMse < 0.005, qPrintable(QString("ours %1, PyTorch %2").arg(mse).arg(refMse)));

    const QJsonObject size = j["size"].toObject();
    const qint64 bytes = size["bytes"].toInteger(), fp32 = size["fp32_bytes"].toInteger();
    QCOMPARE(fp32, qint64(4 * 227713));
    QVERIFY(bytes > 0 && bytes < fp32);
    QVERIFY(std::abs(size["ratio"].toDouble() - double(fp32) / double(bytes)) < 1e-9);
    // The headline ratio: vs the opened model's FP32 bytes (the same model here).
    QVERIFY(std::abs(j["ratio_vs_original"].toDouble() - double(fp32) / double(bytes)) < 1e-9);
    QVERIFY(std::abs(size["effective_bits_per_param"].toDouble() - 8.0 * double(bytes) / 227713.0) < 1e-9);
    qint64 sum = 0;
    for (const auto& t : size["tensors"].toArray()) sum += t.toObject()["bytes"].toInteger();
    QCOMPARE(sum, bytes);
    for (const char* k : {"mse", "psnr", "ssim"}) {
        const QJsonObject d = j["delta_vs_fp32"].toObject()[k].toObject();
        QVERIFY(d.contains("mean") && d.contains("ci95") && d.contains("significant"));
    }
}

void TestCli::quantizedEvalLeavesFp32Untouched() {
    const QStringList base{"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"), "--quiet"};
    const QJsonObject plain = runJson(base);
    const QJsonObject q = runJson(base + QStringList{"--quant", "int2"});
    // The baseline's numbers are bit-identical with or without a quantized copy beside it.
    for (const char* k : {"mse", "psnr", "ssim"}) QCOMPARE(q["fp32"].toObject()[k].toObject(), plain[k].toObject());
    QVERIFY(q["mse"].toObject()["mean"].toDouble() != plain["mse"].toObject()["mean"].toDouble());
}

void TestCli::precisionMapUnusedEntryWarns() {
    const auto r = test::runCli({"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                 "--quiet", "--json", "--map", m_dir.filePath("map_unused_entry.json")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains("classifier.*"), qPrintable(r.err));
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const QJsonArray rules = j["precision_map"].toObject()["rules"].toArray();
    QCOMPARE(rules.size(), 3);
    QCOMPARE(rules[0].toObject()["matched"].toArray(), QJsonArray({"fc_mu.weight"}));
    QVERIFY(rules[1].toObject()["matched"].toArray().isEmpty());
    // Encoder weights and fc_logvar/decoder_input match no entry: named, and they take the default.
    const QJsonArray unmatched = j["precision_map"].toObject()["unmatched_parameters"].toArray();
    QVERIFY(unmatched.contains(QJsonValue("fc_logvar.weight")));
}

void TestCli::untrainedWarning_data() {
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<bool>("expected");
    QTest::newRow("randomly initialised TinyVAE") << "untrained_gray_l16.pt" << true;
    QTest::newRow("embedded demo model") << "DEMO" << false;
}

void TestCli::untrainedWarning() {
    QFETCH(QString, checkpoint);
    QFETCH(bool, expected);
    const QString path = checkpoint == "DEMO" ? test::resource("demo/tinyvae-fmnist-l16.safetensors") : m_dir.filePath(checkpoint);
    const QJsonObject j = runJson({"eval", path, "--data", "fashion-mnist:" + test::resource("demo/fashion-mnist-subset"), "--quiet"});
    QVERIFY(j.contains("untrained_warning"));
    QCOMPARE(j["untrained_warning"].toBool(), expected);
    QVERIFY(!j["untrained_reason"].toString().isEmpty());
}

void TestCli::brokenFiles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("problem");
    QTest::newRow("truncated checkpoint") << "truncated.pt" << "";
    QTest::newRow("zip with corrupt data.pkl") << "corrupt_pkl.pt" << "";
    QTest::newRow("safetensors claiming a 1 TB tensor") << "huge.safetensors" << "";
    QTest::newRow("NaN weights") << "nan.pt" << "NaN";
    QTest::newRow("wrong-shape tensor") << "wrongshape.pt" << "fc_logvar.weight";
    QTest::newRow("missing file") << "does-not-exist.pt" << "";
}

void TestCli::brokenFiles() {
    QFETCH(QString, file);
    QFETCH(QString, problem);
    for (const QString cmd : {"inspect", "eval"}) {
        QStringList args{cmd, m_dir.filePath(file)};
        if (cmd == "eval") args << "--data" << "folder:" + m_dir.filePath("images") << "--quiet";
        const auto r = test::runCli(args);
        QVERIFY2(!r.crashed, qPrintable(r.err));
        QCOMPARE(r.exitCode, 1);
        const QStringList lines = r.err.trimmed().split('\n');
        QVERIFY2(lines.size() == 1, qPrintable(r.err));
        QVERIFY2(lines[0].contains(file), qPrintable(r.err));
        if (!problem.isEmpty()) QVERIFY2(lines[0].contains(problem), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
}

void TestCli::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("no command") << QStringList{};
    QTest::newRow("unknown command") << QStringList{"frobnicate"};
    QTest::newRow("eval without --data") << QStringList{"eval", "x.pt"};
    QTest::newRow("unknown option") << QStringList{"inspect", "x.pt", "--bogus"};
    QTest::newRow("bad number") << QStringList{"eval", "x.pt", "--data", "folder:.", "--limit", "ten"};
    QTest::newRow("sweep without --out") << QStringList{"sweep", "x.pt", "--data", "folder:."};
    QTest::newRow("sweep with a bad scheme") << QStringList{"sweep", "x.pt", "--data", "folder:.", "--out", "p", "--schemes", "int4,int9"};
    QTest::newRow("automp without --budget-bytes") << QStringList{"automp", "x.pt", "--data", "folder:."};
}

void TestCli::usageErrors() {
    QFETCH(QStringList, args);
    const auto r = test::runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("usage"));
}

void TestCli::sweepWritesCsvAndJson() {
    const QString prefix = m_dir.filePath("sweep");
    const QJsonObject j = runJson({"sweep", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                   "--schemes", "int8,int4,int2", "--out", prefix, "--quiet"});
    const QJsonArray rows = j["rows"].toArray();
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[0].toObject()["scheme"].toString(), QString("fp32"));
    QCOMPARE(rows[0].toObject()["delta_vs_fp32"].toObject()["mse"].toObject()["mean"].toDouble(), 0.0);
    QCOMPARE(rows[0].toObject()["size"].toObject()["bytes"].toInteger(), 910852);
    QVERIFY(rows[3].toObject()["pareto"].toBool());  // the smallest row is always on the front

    QFile json(prefix + ".json");
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray fileRows = QJsonDocument::fromJson(json.readAll()).array();
    QCOMPARE(fileRows, rows);
    for (const auto& r : fileRows) {
        const QJsonObject o = r.toObject();
        for (const char* k : {"scheme", "size", "mse", "psnr", "ssim", "delta_vs_fp32", "pareto"}) QVERIFY2(o.contains(k), k);
    }

    QFile csv(prefix + ".csv");
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    const QStringList header = lines[0].split(',');
    QCOMPARE(header.first(), QString("scheme"));
    QCOMPARE(header.last(), QString("pareto"));
    for (const char* c : {"bytes", "ratio", "ratio_vs_original", "effective_bits_per_param", "mse", "mse_lo", "mse_hi", "psnr", "delta_mse",
                          "delta_mse_lo", "delta_mse_hi", "delta_mse_significant"})
        QVERIFY2(header.contains(c), c);
    QVERIFY(lines[1].startsWith("fp32,910852,"));
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].split(',');
        QCOMPARE(cells.size(), header.size());
        QCOMPARE(cells.last(), QString(rows[i - 1].toObject()["pareto"].toBool() ? "true" : "false"));
    }
}

void TestCli::sensitivityRanksEveryLayer() {
    const QJsonObject j = runJson({"sensitivity", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                   "--quant", "int2", "--quiet"});
    QCOMPARE(j["scheme"].toString(), QString("int2"));
    const QJsonArray layers = j["layers"].toArray();
    QVERIFY(layers.size() >= 6);
    double previous = 1e300;
    for (const auto& l : layers) {
        const QJsonObject o = l.toObject();
        QVERIFY(o["name"].toString().endsWith(".weight"));
        QVERIFY(o["bytes_saved"].toInteger() > 0);
        const double d = o["delta_mse"].toObject()["mean"].toDouble();
        QVERIFY(d <= previous);
        previous = d;
    }
}

void TestCli::autoMpRespectsBudget() {
    const QString map = m_dir.filePath("automp_map.json");
    const QJsonObject j = runJson({"automp", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                   "--budget-bytes", "200000", "--candidates", "fp16,int8,int4,int2-g64", "--out-map", map, "--quiet"});
    QVERIFY(j.contains("size"));
    const qint64 bytes = j["size"].toObject()["bytes"].toInteger();
    QVERIFY(bytes > 0 && bytes <= 200000);
    QCOMPARE(j["predicted"].toObject()["bytes"].toInteger(), bytes);
    QVERIFY(j["delta_vs_fp32"].toObject()["mse"].toObject().contains("ci95"));
    // The written map drives `eval --map` to the same real size.
    const QJsonObject e = runJson({"eval", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                   "--quant", "fp32", "--map", map, "--quiet"});
    QCOMPARE(e["size"].toObject()["bytes"].toInteger(), bytes);
    QCOMPARE(e["mse"].toObject()["mean"].toDouble(), j["mse"].toObject()["mean"].toDouble());
}

void TestCli::autoMpImpossibleBudget() {
    const auto r = test::runCli({"automp", m_dir.filePath("sage_l16.pt"), "--data", "folder:" + m_dir.filePath("images"),
                                 "--budget-bytes", "1000", "--candidates", "int8,int4", "--quiet"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("smallest configuration"), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

namespace {

// stdout as printed, less the lines that may differ by design: timings, and sweep's output
// file names (--out differs per run). Everything else must be the same byte for byte.
QString withoutTimings(const QString& out) {
    static const QRegularExpression varying(R"re(^\s*"(seconds|seconds_load|seconds_compute|csv|json)": .*$)re");
    QStringList kept;
    for (const QString& line : out.split('\n'))
        if (!varying.match(line).hasMatch()) kept << line;
    return kept.join('\n');
}

}  // namespace

void TestCli::resultsDoNotDependOnThreads_data() {
    QTest::addColumn<QStringList>("args");
    // Batches of 5 over 24 images: an uneven last batch, and more batches than threads.
    QTest::newRow("eval") << QStringList{"eval", "--batch-size", "5"};
    QTest::newRow("eval int4 against a baseline") << QStringList{"eval", "--batch-size", "5", "--quant", "int4", "--baseline", "@model"};
    QTest::newRow("sweep") << QStringList{"sweep", "--batch-size", "5", "--schemes", "int8,int4,int4-g64,nf4,int2-g64", "--out", "@out"};
}

void TestCli::resultsDoNotDependOnThreads() {
    QFETCH(QStringList, args);
    const QString model = m_dir.filePath("sage_l16.pt");
    QString first;
    for (const QString threads : {"1", "2"}) {
        QStringList a{args.front(), model, "--data", "folder:" + m_dir.filePath("images"), "--quiet", "--threads", threads};
        for (QString arg : args.mid(1)) a << arg.replace("@model", model).replace("@out", m_dir.filePath("threads" + threads));
        const auto r = test::runCli(a + QStringList{"--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!QJsonDocument::fromJson(r.out.toUtf8()).object().isEmpty());
        const QString now = withoutTimings(r.out);
        QVERIFY(now.contains("\"mse\""));
        if (first.isEmpty()) {
            first = now;
            continue;
        }
        const QStringList a1 = first.split('\n'), a2 = now.split('\n');
        for (int i = 0; i < std::min(a1.size(), a2.size()); ++i)
            QVERIFY2(a1[i] == a2[i], qPrintable(QString("line %1: 1 thread '%2', 2 threads '%3'").arg(i + 1).arg(a1[i], a2[i])));
        QCOMPARE(a2.size(), a1.size());
    }
    if (args.front() == "sweep") {
        QFile a(m_dir.filePath("threads1.csv")), b(m_dir.filePath("threads2.csv"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
