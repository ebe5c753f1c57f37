// loadCheckpoint on broken, hostile and unsupported files: every failure is one line that
// starts with the path and says what is wrong; nothing crashes and nothing from the file runs.

#include "io/checkpoint.h"

#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TstCheckpointErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rejectsWithOneLine_data();
    void rejectsWithOneLine();
    void forbiddenGlobalsRunNothing_data();
    void forbiddenGlobalsRunNothing();
    void truncatedFiles_data();
    void truncatedFiles();
    void flippedBytesNeverCrash_data();
    void flippedBytesNeverCrash();
    void nonFiniteAllowedWhenAsked();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    static void verifyOneLineError(const Result<Checkpoint>& r, const QString& path, const QString& what);
    QTemporaryDir m_dir;
};

void TstCheckpointErrors::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("io_make_checkpoints.py", {m_dir.path()});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
}

void TstCheckpointErrors::verifyOneLineError(const Result<Checkpoint>& r, const QString& path, const QString& what) {
    QVERIFY2(!r.ok(), qPrintable(path + " loaded but should not have"));
    const QString msg = QString::fromStdString(r.error().message);
    qInfo("%s", qPrintable(msg));  // the log shows what a user would read
    QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));
    QVERIFY2(msg.contains(what), qPrintable(msg));
}

void TstCheckpointErrors::rejectsWithOneLine_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing file") << "does_not_exist.pt" << "no such file";
    QTest::newRow("empty file") << "empty_file.pt" << "file is empty";
    QTest::newRow("text file") << "not_a_checkpoint.bin" << "not a PyTorch, TorchScript or safetensors file";
    QTest::newRow("plain pickle") << "plain.pkl" << "not a PyTorch, TorchScript or safetensors file";
    QTest::newRow("legacy torch.save") << "legacy.pt"
                                       << "legacy torch.save format not supported, re-save with a current PyTorch";
    QTest::newRow("NaN weight") << "nan.pt" << "tensor 'fc_mu.weight' contains NaN";
    QTest::newRow("Inf bias") << "inf.pt" << "tensor 'decoder.2.bias' contains Inf";
    QTest::newRow("NaN in safetensors") << "nan.safetensors" << "tensor 'w' contains NaN";
    QTest::newRow("safetensors tensor claims 1 TB") << "st_1tb.safetensors"
                                                    << "tensor 'w' claims 1099511627776 bytes but the file has only "
                                                       "1234 bytes after the header";
    QTest::newRow("safetensors header length larger than the file") << "st_header_too_long.safetensors"
                                                                    << "is larger than the 8 bytes";
    QTest::newRow("safetensors huge header length") << "st_huge_header.safetensors" << "exceeds the limit";
    QTest::newRow("safetensors overlapping tensors") << "st_overlap.safetensors" << "overlap";
    QTest::newRow("safetensors unknown dtype") << "st_bad_dtype.safetensors" << "unsupported dtype 'Q4'";
    QTest::newRow("empty state dict") << "empty_dict.pt" << "the state dict is empty";
    QTest::newRow("only integer tensors") << "ints_only.pt" << "none of its 1 tensors is floating-point";
    QTest::newRow("nested key holding a list") << "nested_not_dict.pt" << "'state_dict' is a list, not a dict of tensors";
    QTest::newRow("list among the tensors") << "list_entry.pt" << "entry 'names' is a list, not a tensor";
    QTest::newRow("garbage data.pkl") << "corrupt_pkl.pt" << "data.pkl: ";
    QTest::newRow("data.pkl cut in half") << "truncated_pkl.pt" << "data.pkl: unexpected end of data";
    QTest::newRow("storage record missing") << "missing_storage.pt" << "storage record 'data/0' is missing";
    QTest::newRow("storage record too short") << "short_storage.pt"
                                              << "storage '0' claims 27 Float elements but its record has only 4 bytes";
    QTest::newRow("zip without data.pkl") << "no_pkl.pt" << "archive has no data.pkl";
}

void TstCheckpointErrors::rejectsWithOneLine() {
    QFETCH(QString, name);
    QFETCH(QString, error);
    const QString path = file(name);
    verifyOneLineError(loadCheckpoint(path.toStdString()), path, error);
}

void TstCheckpointErrors::forbiddenGlobalsRunNothing_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error");
    QTest::newRow("os.system beside the tensors") << "evil_entry.pt"
                                                  << "entry 'evil' is an object made by posix.system(...) (not allowed, not run)";
    QTest::newRow("os.system as the whole file") << "evil_top.pt"
                                                 << "the file holds an object made by posix.system(...)";
    QTest::newRow("os.system inside model_state_dict") << "evil_nested.pt" << "entry 'w' of 'model_state_dict' is an object "
                                                                              "made by posix.system(...)";
}

void TstCheckpointErrors::forbiddenGlobalsRunNothing() {
    QFETCH(QString, name);
    QFETCH(QString, error);
    const QString path = file(name);
    verifyOneLineError(loadCheckpoint(path.toStdString()), path, error);
    QVERIFY2(!QFile::exists(file("evil_marker")), "the payload ran");
}

void TstCheckpointErrors::truncatedFiles_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("keep");  // fraction of the file kept
    QTest::addColumn<QString>("error");
    const QString zip = "truncated or corrupt zip archive";
    QTest::newRow("state dict, first 4 bytes") << "tinyvae.pt" << 0.0 << zip;
    QTest::newRow("state dict, 1 %") << "tinyvae.pt" << 0.01 << zip;
    QTest::newRow("state dict, half") << "tinyvae.pt" << 0.5 << zip;
    QTest::newRow("state dict, all but the last bytes") << "tinyvae.pt" << 0.9999 << zip;
    QTest::newRow("TorchScript, half") << "tinyvae_script.pt" << 0.5 << zip;
    QTest::newRow("safetensors, 5 bytes") << "tinyvae.safetensors" << 0.0 << "too short";
    QTest::newRow("safetensors, inside the header") << "tinyvae.safetensors" << 0.001 << "is larger than the";
    QTest::newRow("safetensors, half") << "tinyvae.safetensors" << 0.5 << "bytes";
}

void TstCheckpointErrors::truncatedFiles() {
    QFETCH(QString, name);
    QFETCH(double, keep);
    QFETCH(QString, error);
    QFile in(file(name));
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray all = in.readAll();
    const int minimum = name.endsWith(".safetensors") ? 5 : 4;
    const int size = std::max(minimum, int(all.size() * keep));
    const QString path = file("cut_" + QString::number(size) + "_" + name);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(all.left(size));
    out.close();
    verifyOneLineError(loadCheckpoint(path.toStdString()), path, error);
}

void TstCheckpointErrors::flippedBytesNeverCrash_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("torch.save zip") << "tinyvae.pt";
    QTest::newRow("torch.save zip with views") << "views.pt";
    QTest::newRow("safetensors") << "tinyvae.safetensors";
}

void TstCheckpointErrors::flippedBytesNeverCrash() {
    QFETCH(QString, name);
    QFile in(file(name));
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray original = in.readAll();
    const QString path = file("flipped_" + name);
    // Walk the whole file; zips carry CRCs, so most flips are caught, some land in padding.
    const int steps = 150;
    for (int i = 0; i < steps; ++i) {
        QByteArray bytes = original;
        const int at = int(qint64(bytes.size()) * i / steps);
        bytes[at] = char(bytes[at] ^ 0x5a);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(bytes);
        out.close();
        auto r = loadCheckpoint(path.toStdString());
        if (!r.ok()) {
            const QString msg = QString::fromStdString(r.error().message);
            QVERIFY2(msg.startsWith(path + ": ") && !msg.contains('\n'), qPrintable(msg));
        }
    }
}

void TstCheckpointErrors::nonFiniteAllowedWhenAsked() {
    CheckpointLoadOptions options;
    options.rejectNonFinite = false;
    auto r = loadCheckpoint(file("nan.pt").toStdString(), options);
    QVERIFY(r.ok());
    QVERIFY(r->weights.get("fc_mu.weight").isnan().any().item<bool>());
}

QTEST_GUILESS_MAIN(TstCheckpointErrors)
#include "tst_checkpointerrors.moc"
