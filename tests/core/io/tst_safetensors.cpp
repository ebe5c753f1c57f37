// SPDX-License-Identifier: Apache-2.0
// safetensors: our writer and reader round-trip, Python (json+struct) reads our files,
// we read Python's, and malformed headers give one-line errors.

#include "io/safetensors.h"

#include "common/hash.h"
#include "testsupport.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString shaOf(const at::Tensor& t) {
    const at::Tensor c = t.contiguous();
    return QString::fromStdString(sha256Hex(c.data_ptr(), c.nbytes()));
}

QString safetensorsDtype(c10::ScalarType t) {
    switch (t) {
    case at::kDouble: return "F64";
    case at::kFloat: return "F32";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    default: return "?";
    }
}

QList<int> shapeOf(const at::Tensor& t) {
    QList<int> s;
    for (int64_t d : t.sizes()) s << int(d);
    return s;
}

QList<int> shapeOf(const QJsonArray& a) {
    QList<int> s;
    for (const auto& v : a) s << v.toInt();
    return s;
}

// Deterministic, non-trivial content for each dtype, including the extremes.
at::Tensor sample(const QString& dtype, const QList<int>& shape) {
    std::vector<int64_t> sizes(shape.begin(), shape.end());
    int64_t numel = 1;
    for (int64_t d : sizes) numel *= d;
    const at::Tensor base = at::arange(numel, at::TensorOptions().dtype(at::kDouble)).reshape(sizes);
    if (dtype == "uint8") return (base * 37).remainder(256).to(at::kByte);
    if (dtype == "int8") return ((base * 37).remainder(256) - 128).to(at::kChar);
    if (dtype == "bool") return (base.remainder(3) == 0);
    if (dtype == "int64") return (base - 5) * 1099511627776.0;
    if (dtype == "float16") return (base * 0.37 - 3).to(at::kHalf);
    if (dtype == "bfloat16") return (base * 0.37 - 3).to(at::kBFloat16);
    if (dtype == "float64") return base.sin();
    return (base * 0.37 - 3).sin().to(at::kFloat);
}

}  // namespace

class TstSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip_data();
    void roundTrip();
    void writesNonContiguousAsContiguous();
    void pythonReadsOurFile();
    void readsPythonFile();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void honoursHeaderLimit();
    void writerRejectsWhatItCannotStore();
    void mappedTensorsNeverChangeTheFile();
    void misalignedTensorsAreCopied();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    StateDict roundTripTensors() const;
    QTemporaryDir m_dir;
    QJsonObject m_ref;
};

void TstSafetensors::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = test::runPythonFixture("io_make_checkpoints.py", {m_dir.path()});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
    m_ref = readJson(file("reference.json"));
    QVERIFY(!m_ref.isEmpty());
}

void TstSafetensors::roundTrip_data() {
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<QList<int>>("shape");
    QTest::newRow("uint8 packed int4 buffer") << "uint8" << QList<int>{64, 32};
    QTest::newRow("int8 weights [-128, 127]") << "int8" << QList<int>{16, 3, 3, 3};
    QTest::newRow("float16 weights") << "float16" << QList<int>{32, 17};
    QTest::newRow("float32 matrix") << "float32" << QList<int>{4096, 16};
    QTest::newRow("float32 0-dim scale") << "float32" << QList<int>{};
    QTest::newRow("float32 empty") << "float32" << QList<int>{0, 5};
    QTest::newRow("bfloat16") << "bfloat16" << QList<int>{7};
    QTest::newRow("float64") << "float64" << QList<int>{3, 3};
    QTest::newRow("int64 beyond 32 bits") << "int64" << QList<int>{9};
    QTest::newRow("bool mask") << "bool" << QList<int>{5, 2};
}

void TstSafetensors::roundTrip() {
    QFETCH(QString, dtype);
    QFETCH(QList<int>, shape);
    StateDict in;
    in.set("a.weight", sample(dtype, shape));
    in.set("b", sample("float32", {3}));
    const std::map<std::string, std::string> meta = {{"format", "pt"}, {"note", "\xc3\xbcnicode"}};
    const std::string path = file("roundtrip.safetensors").toStdString();
    Status st = writeSafetensors(path, in, meta);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());

    std::map<std::string, std::string> metaOut;
    auto out = readSafetensors(path, &metaOut);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().message.c_str());
    QCOMPARE(out->names(), in.names());
    for (const auto& e : in.entries()) {
        const at::Tensor t = out->get(e.name);
        QCOMPARE(t.scalar_type(), e.tensor.scalar_type());
        QCOMPARE(shapeOf(t), shapeOf(e.tensor));
        QVERIFY(at::equal(t, e.tensor));
    }
    QVERIFY(metaOut == meta);

    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray head = f.read(8);
    quint64 headerLen = 0;
    for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | quint8(head[i]);
    QCOMPARE((8 + headerLen) % 8, quint64(0));  // data area starts 8-byte aligned
}

void TstSafetensors::writesNonContiguousAsContiguous() {
    const at::Tensor base = at::arange(24, at::TensorOptions().dtype(at::kFloat)).reshape({4, 6});
    StateDict in;
    in.set("t", base.t());
    in.set("slice", base.select(1, 2));
    const std::string path = file("views.safetensors").toStdString();
    QVERIFY(writeSafetensors(path, in).ok());
    auto out = readSafetensors(path);
    QVERIFY(out.ok());
    QVERIFY(at::equal(out->get("t"), base.t()));
    QVERIFY(at::equal(out->get("slice"), base.select(1, 2)));
}

StateDict TstSafetensors::roundTripTensors() const {
    StateDict sd;
    sd.set("packed.u8", sample("uint8", {10, 4}));
    sd.set("weights.i8", sample("int8", {3, 5}));
    sd.set("weights.f16", sample("float16", {6}));
    sd.set("weights.f32", sample("float32", {2, 2, 2}));
    sd.set("scale", sample("float32", {}));
    sd.set("flags", sample("bool", {3}));
    sd.set("ids", sample("int64", {2}));
    return sd;
}

void TstSafetensors::pythonReadsOurFile() {
    const StateDict sd = roundTripTensors();
    const QString path = file("ours.safetensors");
    QVERIFY(writeSafetensors(path.toStdString(), sd, {{"producer", "pareto"}}).ok());
    const QString json = file("ours.json");
    const auto r = test::runPythonFixture("io_read_safetensors.py", {path, json});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
    const QJsonObject seen = readJson(json);
    QVERIFY(seen["aligned"].toBool());
    QCOMPARE(seen["metadata"].toObject()["producer"].toString(), QString("pareto"));
    const QJsonObject tensors = seen["tensors"].toObject();
    QCOMPARE(tensors.size(), int(sd.size()));
    for (const auto& e : sd.entries()) {
        const QJsonObject t = tensors[QString::fromStdString(e.name)].toObject();
        QCOMPARE(t["dtype"].toString(), safetensorsDtype(e.tensor.scalar_type()));
        QCOMPARE(shapeOf(t["shape"].toArray()), shapeOf(e.tensor));
        QCOMPARE(t["sha256"].toString(), shaOf(e.tensor));
    }
}

void TstSafetensors::readsPythonFile() {
    std::map<std::string, std::string> meta;
    auto sd = readSafetensors(file("mixed.safetensors").toStdString(), &meta);
    QVERIFY2(sd.ok(), sd.ok() ? "" : sd.error().message.c_str());
    QVERIFY(meta.empty());
    const QJsonArray expected = m_ref["mixed.safetensors"].toObject()["all"].toArray();
    QCOMPARE(int(sd->size()), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const QJsonObject x = expected[i].toObject();
        const auto& e = sd->entries()[size_t(i)];
        QCOMPARE(QString::fromStdString(e.name), x["name"].toString());  // file order kept
        QCOMPARE(safetensorsDtype(e.tensor.scalar_type()), x["dtype"].toString());
        QCOMPARE(shapeOf(e.tensor), shapeOf(x["shape"].toArray()));
        QCOMPARE(shaOf(e.tensor), x["sha256"].toString());
    }

    auto vae = readSafetensors(file("tinyvae.safetensors").toStdString(), &meta);
    QVERIFY(vae.ok());
    QCOMPARE(vae->parameterCount(), int64_t(227713));
    QCOMPARE(meta.at("producer"), std::string("io_make_checkpoints"));
}

void TstSafetensors::rejectsMalformedFiles_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error");
    QTest::newRow("tensor claims 1 TB") << "st_1tb.safetensors"
                                        << "tensor 'w' claims 1099511627776 bytes but the file has only 1234 bytes "
                                           "after the header";
    QTest::newRow("header length larger than the file") << "st_header_too_long.safetensors"
                                                        << "header length 10000 is larger than the 8 bytes after";
    QTest::newRow("header length 2^62") << "st_huge_header.safetensors"
                                        << "header length 4611686018427387904 exceeds the limit";
    QTest::newRow("overlapping tensors") << "st_overlap.safetensors" << "tensors 'a' [0, 16] and 'b' [8, 24] overlap";
    QTest::newRow("unknown dtype") << "st_bad_dtype.safetensors" << "tensor 'w' has unsupported dtype 'Q4'";
    QTest::newRow("malformed JSON") << "st_bad_json.safetensors" << "header is not valid JSON";
    QTest::newRow("header is a list") << "st_not_object.safetensors" << "header is not a JSON object";
    QTest::newRow("offsets shorter than the shape") << "st_offsets_mismatch.safetensors"
                                                    << "data_offsets [0, 12] do not match its shape and dtype (16 bytes)";
    QTest::newRow("offsets past the data area") << "st_outside.safetensors"
                                                << "data_offsets [100, 116] lie outside the data area (16 bytes)";
    QTest::newRow("negative dimension") << "st_negative_shape.safetensors" << "not a non-negative integer";
    QTest::newRow("shape product overflows") << "st_shape_overflow.safetensors" << "size overflows";
    QTest::newRow("metadata value not a string") << "st_bad_metadata.safetensors"
                                                 << "__metadata__ entry 'epoch' is not a string";
    QTest::newRow("file shorter than the length field") << "st_short.safetensors" << "too short";
    QTest::newRow("missing file") << "nowhere.safetensors" << "cannot open";
}

void TstSafetensors::rejectsMalformedFiles() {
    QFETCH(QString, name);
    QFETCH(QString, error);
    const QString path = file(name);
    auto r = readSafetensors(path.toStdString());
    QVERIFY(!r.ok());
    const QString msg = QString::fromStdString(r.error().message);
    QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
    QVERIFY2(msg.contains(error), qPrintable(msg));
    QVERIFY(!msg.contains('\n'));
}

void TstSafetensors::honoursHeaderLimit() {
    const QString path = file("tinyvae.safetensors");
    auto r = readSafetensors(path.toStdString(), nullptr, 64);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error().message).contains("exceeds the limit of 64 bytes"),
             r.error().message.c_str());
}

void TstSafetensors::writerRejectsWhatItCannotStore() {
    StateDict complexTensor;
    complexTensor.set("z", at::zeros({2}, at::TensorOptions().dtype(at::kComplexFloat)));
    Status st = writeSafetensors(file("complex.safetensors").toStdString(), complexTensor);
    QVERIFY(!st.ok());
    QVERIFY2(st.error().message.find("safetensors cannot store") != std::string::npos, st.error().message.c_str());

    StateDict reserved;
    reserved.set("__metadata__", at::zeros({1}));
    QVERIFY(!writeSafetensors(file("reserved.safetensors").toStdString(), reserved).ok());

    const std::string nowhere = file("no/such/folder/x.safetensors").toStdString();
    st = writeSafetensors(nowhere, roundTripTensors());
    QVERIFY(!st.ok());
    QVERIFY(st.error().message.rfind(nowhere + ": ", 0) == 0);
}

// Tensors view a private mapping: changing one in place (as training does) changes neither
// the file nor a second read of it, and a tensor outlives the StateDict it came in.
void TstSafetensors::mappedTensorsNeverChangeTheFile() {
    StateDict sd;
    sd.set("w", sample("float32", {64, 33}));
    sd.set("b", sample("float64", {7}));
    const QString path = file("mapped.safetensors");
    QVERIFY(writeSafetensors(path.toStdString(), sd).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();

    at::Tensor w;
    {
        auto first = readSafetensors(path.toStdString());
        QVERIFY(first.ok());
        w = first->get("w");
    }
    QVERIFY(at::equal(w, sd.get("w")));  // still readable once its StateDict is gone
    w.add_(1.0);
    auto second = readSafetensors(path.toStdString());
    QVERIFY(second.ok());
    QVERIFY(at::equal(second->get("w"), sd.get("w")));
    QVERIFY(at::equal(second->get("b"), sd.get("b")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
}

// A tensor whose bytes are not aligned for its dtype (legal in safetensors) is copied out
// with the same values.
void TstSafetensors::misalignedTensorsAreCopied() {
    const at::Tensor v = sample("float32", {5});
    QByteArray header = R"({"u":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"f":{"dtype":"F32","shape":[5],"data_offsets":[1,21]}})";
    while (header.size() % 8) header.append(' ');
    QByteArray bytes;
    for (int i = 0; i < 8; ++i) bytes.append(char((quint64(header.size()) >> (8 * i)) & 0xff));
    bytes += header;
    bytes.append(char(7));
    bytes.append(reinterpret_cast<const char*>(v.data_ptr()), 20);
    const QString path = file("misaligned.safetensors");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
    f.close();
    auto r = readSafetensors(path.toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(at::equal(r->get("f"), v));
    QCOMPARE(r->get("u").item<int>(), 7);
}

QTEST_GUILESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
