// SPDX-License-Identifier: Apache-2.0
// PickleReader against pickles written by Python's own pickle module (protocols 2-5),
// forbidden globals, tensor rebuild validation, hostile structures and mutated bytes.

#include "io/pickle.h"

#include "testsupport.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using pareto::Result;
using pareto::detail::PickleReader;
using pareto::detail::PickleValue;
using Kind = PickleValue::Kind;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

// Stands in for the zip's storage records: element i holds the value i.
Result<at::Tensor> arangeStorage(const std::string&, c10::ScalarType dtype, int64_t numel) {
    if (numel > (int64_t(1) << 20)) return pareto::fail("stub storage too large");
    return at::arange(numel, at::TensorOptions().dtype(at::kDouble)).to(dtype);
}

std::string errorOf(const Result<const PickleValue*>& r) { return r.ok() ? std::string() : r.error().message; }

}  // namespace

class TstPickleReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsPythonPickles_data();
    void readsPythonPickles();
    void forbiddenGlobalIsInert_data();
    void forbiddenGlobalIsInert();
    void rebuildsTensors_data();
    void rebuildsTensors();
    void rejectsHostileBytes_data();
    void rejectsHostileBytes();
    void deepNestingFreesWithoutRecursion();
    void survivesMutatedStateDict();
    void floatDictKeys_data();
    void floatDictKeys();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TstPickleReader::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto r = pareto::test::runPythonFixture("io_make_pickles.py", {m_dir.path()});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err));
}

void TstPickleReader::readsPythonPickles_data() {
    QTest::addColumn<int>("protocol");
    QTest::newRow("protocol 2 (torch.save default)") << 2;
    QTest::newRow("protocol 3 (bytes opcodes)") << 3;
    QTest::newRow("protocol 4 (frames, MEMOIZE, STACK_GLOBAL, sets)") << 4;
    QTest::newRow("protocol 5 (bytearray8)") << 5;
}

void TstPickleReader::readsPythonPickles() {
    QFETCH(int, protocol);
    const QByteArray bytes = readAll(file(QString("values_p%1.pkl").arg(protocol)));
    QVERIFY(!bytes.isEmpty());
    PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
    auto r = reader.load();
    QVERIFY2(r.ok(), errorOf(r).c_str());
    const PickleValue& d = **r;
    QVERIFY(d.is(Kind::Dict));

    auto get = [&](const char* key) {
        const PickleValue* v = d.dictGet(key);
        if (!v) qWarning("missing key %s", key);
        return v;
    };
    auto intOf = [&](const char* key) { return get(key) && get(key)->is(Kind::Int) ? get(key)->integer : -999; };
    QCOMPARE(intOf("small"), 7);
    QCOMPARE(intOf("neg"), -123456);
    QCOMPARE(intOf("int16"), 40000);
    QCOMPARE(intOf("big"), int64_t(1) << 40);
    QCOMPARE(intOf("negbig"), -(int64_t(1) << 40));
    QVERIFY(get("huge")->is(Kind::Opaque));  // 2**70 does not fit in 64 bits
    QVERIFY(get("pi")->is(Kind::Float));
    QCOMPARE(get("pi")->real, 3.25);
    QCOMPARE(QString::fromStdString(get("text")->text), QString::fromUtf8("h\u00e9llo w\u00f6rld"));
    QCOMPARE(get("long_text")->text.size(), size_t(1000));
    QVERIFY(get("none")->is(Kind::None));
    QVERIFY(get("yes")->is(Kind::Bool) && get("yes")->integer == 1);
    QVERIFY(get("no")->is(Kind::Bool) && get("no")->integer == 0);

    const PickleValue* tuple = get("tuple");
    QVERIFY(tuple->is(Kind::Tuple));
    QCOMPARE(tuple->items.size(), size_t(3));
    QCOMPARE(tuple->items[1]->text, std::string("a"));
    QCOMPARE(get("t1")->items.size(), size_t(1));
    QCOMPARE(get("t2")->items.size(), size_t(2));
    QCOMPARE(get("t3")->items.size(), size_t(3));
    QVERIFY(get("empty_tuple")->is(Kind::Tuple) && get("empty_tuple")->items.empty());
    QCOMPARE(get("list")->items.size(), size_t(2));
    QVERIFY(get("nested")->dictGet("inner")->is(Kind::List));
    // Memo sharing: both keys refer to one list object, as in Python.
    QCOMPARE(get("shared1"), get("shared2"));
    const PickleValue* od = get("od");
    QVERIFY(od->is(Kind::Dict));
    QCOMPARE(od->dictSize(), size_t(2));
    QCOMPARE(od->dictKey(0)->text, std::string("z"));  // insertion order kept
    QCOMPARE(od->dictValue(1)->integer, 2);
    const PickleValue* bigList = get("big_list");
    QCOMPARE(bigList->items.size(), size_t(2000));
    QCOMPARE(bigList->items[1999]->integer, 1999);
    QVERIFY(get("complex")->is(Kind::Opaque));
    QVERIFY(get("complex")->text.find("complex") != std::string::npos);

    if (protocol >= 3) {
        QVERIFY(get("bytes")->is(Kind::Bytes));
        QCOMPARE(get("bytes")->text, std::string("\x00\x01\xff", 3));
    } else {
        QVERIFY(get("bytes")->is(Kind::Opaque));  // _codecs.encode(...) in protocol 2
    }
    QCOMPARE(get("set")->kind, protocol >= 4 ? Kind::List : Kind::Opaque);
    QCOMPARE(get("frozen")->kind, protocol >= 4 ? Kind::List : Kind::Opaque);
    QCOMPARE(get("bytearray")->kind, protocol >= 5 ? Kind::Bytes : Kind::Opaque);

    // The one non-string key.
    bool sawIntKey = false;
    for (size_t i = 0; i < d.dictSize(); ++i)
        if (d.dictKey(i)->is(Kind::Int) && d.dictKey(i)->integer == 1) sawIntKey = d.dictValue(i)->text == "int key";
    QVERIFY(sawIntKey);
}

void TstPickleReader::forbiddenGlobalIsInert_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("os.system via __reduce__, protocol 2") << "evil_p2.pkl";
    QTest::newRow("os.system via __reduce__, protocol 4") << "evil_p4.pkl";
}

void TstPickleReader::forbiddenGlobalIsInert() {
    QFETCH(QString, name);
    const QByteArray bytes = readAll(file(name));
    PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
    auto r = reader.load();
    QVERIFY2(r.ok(), errorOf(r).c_str());
    const PickleValue* w = (*r)->dictGet("w");
    QVERIFY(w);
    QVERIFY(w->is(Kind::Opaque));
    QCOMPARE(w->text, std::string("posix.system(...)"));
    QVERIFY(!QFile::exists(file("evil_marker")));
}

void TstPickleReader::rebuildsTensors_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error");  // empty: must load
    QTest::newRow("strided view at offset 1") << "ok" << "";
    QTest::newRow("0-dim tensor at the last element") << "scalar" << "";
    QTest::newRow("unsupported storage type stays opaque") << "complex_storage" << "";
    QTest::newRow("offset past the storage") << "offset_past_end" << "offset past the end";
    QTest::newRow("extent past the storage") << "extent_past_end" << "reaches past the end of the storage";
    QTest::newRow("rank 70") << "rank_too_large" << "rank 70 is too large";
    QTest::newRow("negative stride") << "negative_stride" << "negative or non-int";
    QTest::newRow("element count overflows") << "size_overflow" << "size overflows";
    QTest::newRow("two arguments") << "too_few_args" << "_rebuild_tensor_v2 with 2 arguments";
    QTest::newRow("a string instead of a storage") << "not_a_storage" << "not a storage";
}

void TstPickleReader::rebuildsTensors() {
    QFETCH(QString, name);
    QFETCH(QString, error);
    const QByteArray bytes = readAll(file("tensor_" + name + ".pkl"));
    QVERIFY(!bytes.isEmpty());
    PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
    auto r = reader.load();
    if (!error.isEmpty()) {
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains(error), r.error().message.c_str());
        QVERIFY(QString::fromStdString(r.error().message).contains(" at byte "));
        return;
    }
    QVERIFY2(r.ok(), errorOf(r).c_str());
    const PickleValue* t = (*r)->dictGet("t");
    QVERIFY(t);
    if (name == "complex_storage") {
        QVERIFY(t->is(Kind::Opaque));
        QVERIFY(t->text.find("torch.ComplexFloatStorage") != std::string::npos);
        return;
    }
    QVERIFY(t->is(Kind::Tensor));
    // A view of its storage, never a copy: stride-0 and overlapping views share it.
    QVERIFY(t->tensor.storage().nbytes() == 12 * sizeof(float));
    QCOMPARE(t->tensor.scalar_type(), at::kFloat);
    if (name == "ok") {
        // storage[1 + i + 4j]
        const at::Tensor expected = at::tensor({1.f, 5.f, 9.f, 2.f, 6.f, 10.f}).reshape({2, 3});
        QVERIFY(at::equal(t->tensor, expected));
    } else {
        QCOMPARE(t->tensor.dim(), 0);
        QCOMPARE(t->tensor.item<float>(), 11.f);
    }
}

void TstPickleReader::rejectsHostileBytes_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    const QByteArray proto = QByteArray::fromHex("8002");
    QTest::newRow("empty input") << QByteArray() << "no STOP opcode";
    QTest::newRow("only PROTO") << proto << "no STOP opcode";
    QTest::newRow("protocol 9") << QByteArray::fromHex("80092e") << "unsupported pickle protocol 9";
    QTest::newRow("STOP on an empty stack") << proto + "." << "stack underflow";
    QTest::newRow("text opcode INT") << proto + "I01\n." << "unsupported pickle opcode 'I'";
    QTest::newRow("BINUNICODE8 claims 2^63 bytes") << proto + QByteArray::fromHex("8d0000000000000080") + "abc"
                                                  << "exceeds the 3 bytes left";
    QTest::newRow("BINUNICODE cut short") << proto + QByteArray::fromHex("580a000000") + "abc"
                                          << "exceeds the 3 bytes left";
    QTest::newRow("BINGET of a missing memo key") << proto + "h\x07." << "memo key 7 is missing";
    QTest::newRow("SETITEM on a list") << proto + "]K\x01" "K\x02" "s." << "SETITEM on a list";
    QTest::newRow("APPEND on an int") << proto + "K\x01" "K\x02" "a." << "APPEND on a int";
    QTest::newRow("REDUCE on an int") << proto + "K\x01)R." << "not callable";
    QTest::newRow("dict from an odd item count") << proto + "(K\x01" "d." << "odd number of items";
    QTest::newRow("TUPLE without MARK") << proto + "K\x01t." << "missing MARK";
    QTest::newRow("pop below a MARK") << proto + "K\x01(0" + "0." << "stack underflow";
    QTest::newRow("out-of-band buffer") << proto + QByteArray::fromHex("97") + "." << "out-of-band";
    QTest::newRow("persistent id that is not a storage") << proto + "K\x01Q." << "unsupported persistent id";
    QTest::newRow("unterminated GLOBAL") << proto + "cos\nsys" << "unterminated";
    QTest::newRow("negative LONG4 length") << proto + QByteArray::fromHex("8bffffffff") << "negative LONG4";
    QTest::newRow("more MARKs than the limit") << proto + QByteArray(40, '(') << "nested MARKs";
    QTest::newRow("deeper stack than the limit") << proto + QByteArray(200, 'N') << "stack deeper than";
    QTest::newRow("more objects than the limit") << proto + QByteArray("]0").repeated(200) + "N."
                                                 << "more than 150 objects";
    QByteArray memo = proto + "N";
    for (int i = 0; i < 80; ++i) memo += "q" + QByteArray(1, char(i));
    QTest::newRow("memo larger than the limit") << memo + "." << "memo larger than";
}

void TstPickleReader::rejectsHostileBytes() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    PickleReader::Limits limits;
    limits.maxObjects = 150;
    limits.maxStack = 100;
    limits.maxMarks = 32;
    limits.maxMemo = 64;
    PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage, limits);
    auto r = reader.load();
    QVERIFY(!r.ok());
    const QString msg = QString::fromStdString(r.error().message);
    QVERIFY2(msg.contains(error), qPrintable(msg));
    QVERIFY(!msg.contains('\n'));
}

void TstPickleReader::deepNestingFreesWithoutRecursion() {
    // [[[...]]] 300,000 deep, built bottom-up through the memo: no native recursion
    // may depend on the depth, neither while loading nor while freeing.
    const int depth = 300000;
    QByteArray bytes = QByteArray::fromHex("8002") + "]r" + QByteArray(4, '\0');
    for (int i = 1; i < depth; ++i) {
        // POP, EMPTY_LIST, LONG_BINGET 0, APPEND, LONG_BINPUT 0
        bytes += "0]j" + QByteArray(4, '\0') + "ar" + QByteArray(4, '\0');
    }
    bytes += ".";
    {
        PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
        auto r = reader.load();
        QVERIFY2(r.ok(), errorOf(r).c_str());
        QVERIFY((*r)->is(Kind::List));
        QCOMPARE((*r)->items.size(), size_t(1));
    }
    // A list that contains itself is harmless too.
    const QByteArray cycle = QByteArray::fromHex("80025d7100680061") + ".";  // ] q0 h0 a
    PickleReader reader(cycle.constData(), size_t(cycle.size()), arangeStorage);
    auto r = reader.load();
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE((*r)->items.front(), *r);
}

void TstPickleReader::survivesMutatedStateDict() {
    const QByteArray original = readAll(file("statedict.data.pkl"));
    QVERIFY(original.size() > 100);
    {
        PickleReader reader(original.constData(), size_t(original.size()), arangeStorage);
        auto r = reader.load();
        QVERIFY2(r.ok(), errorOf(r).c_str());
        QCOMPARE((*r)->dictSize(), size_t(9));  // conv w/b, bn w/b/mean/var/count, linear w/b
    }
    std::mt19937 rng(1234);
    int failed = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray bytes = original;
        const int kind = round % 3;
        if (kind == 0) {
            bytes.truncate(int(rng() % uint32_t(bytes.size())));
        } else {
            const int flips = 1 + int(rng() % 4);
            for (int i = 0; i < flips; ++i) {
                const int at = int(rng() % uint32_t(bytes.size()));
                bytes[at] = kind == 1 ? char(rng() & 0xff) : char(bytes[at] ^ (1 << (rng() % 8)));
            }
        }
        PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
        auto r = reader.load();
        if (!r.ok()) {
            ++failed;
            QVERIFY2(!QString::fromStdString(r.error().message).contains('\n'), r.error().message.c_str());
        }
    }
    QVERIFY(failed > 1000);  // most mutations break the pickle; none may crash it
}

void TstPickleReader::floatDictKeys_data() {
    QTest::addColumn<QByteArray>("key");      // BINFLOAT payload, big-endian
    QTest::addColumn<int>("entries");         // after {1: 'a', key: 'b'}
    QTest::newRow("1.0 is the key 1") << QByteArray::fromHex("3ff0000000000000") << 1;
    QTest::newRow("1.5 is its own key") << QByteArray::fromHex("3ff8000000000000") << 2;
    // Found by fuzz_pickle: a float key outside int64's range was cast to int64 (UB).
    QTest::newRow("1e300 (outside int64)") << QByteArray::fromHex("7e37e43c8800759c") << 2;
    QTest::newRow("2^63 (just outside int64)") << QByteArray::fromHex("43e0000000000000") << 2;
    QTest::newRow("-2^63 (the int64 minimum)") << QByteArray::fromHex("c3e0000000000000") << 2;
    QTest::newRow("inf") << QByteArray::fromHex("7ff0000000000000") << 2;
    QTest::newRow("NaN") << QByteArray::fromHex("7ff8000000000000") << 2;
}

void TstPickleReader::floatDictKeys() {
    QFETCH(QByteArray, key);
    QFETCH(int, entries);
    // PROTO 4, EMPTY_DICT, MARK, K 1, 'a', BINFLOAT key, 'b', SETITEMS, STOP
    const QByteArray bytes = QByteArray::fromHex("80047d28") + "K\x01" + QByteArray::fromHex("8c0161") + "G" + key +
                             QByteArray::fromHex("8c0162") + "u.";
    PickleReader reader(bytes.constData(), size_t(bytes.size()), arangeStorage);
    auto r = reader.load();
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(int((*r)->dictSize()), entries);
}

QTEST_GUILESS_MAIN(TstPickleReader)
#include "tst_picklereader.moc"
