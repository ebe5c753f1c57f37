// SPDX-License-Identifier: Apache-2.0
// Precision maps: glob semantics, JSON parsing with errors naming the file and entry,
// first match wins, and the report of what matched what.
#include "quant/precisionmap.h"

#include "testsupport.h"

#include <QtTest>

using namespace pareto;

namespace {

std::vector<std::string> tinyVaeWeights() {
    return {"encoder.0.depthwise.weight", "encoder.0.pointwise.weight", "encoder.1.depthwise.weight",
            "encoder.1.pointwise.weight", "encoder.2.depthwise.weight", "encoder.2.pointwise.weight",
            "fc_mu.weight",               "fc_logvar.weight",           "decoder_input.weight",
            "decoder.2.weight",           "decoder.4.weight",           "decoder.6.weight"};
}

std::vector<std::string> tinyVaeRank1() {
    std::vector<std::string> out;
    for (const char* e : {"encoder.0", "encoder.1", "encoder.2"})
        for (const char* p : {".depthwise.bias", ".pointwise.bias", ".norm.weight", ".norm.bias"}) out.push_back(std::string(e) + p);
    for (const char* b : {"fc_mu.bias", "fc_logvar.bias", "decoder_input.bias", "decoder.2.bias", "decoder.4.bias", "decoder.6.bias"})
        out.push_back(b);
    return out;
}

bool anyContains(const std::vector<std::string>& lines, const QString& needle) {
    for (const auto& l : lines)
        if (QString::fromStdString(l).contains(needle)) return true;
    return false;
}

}  // namespace

class TestPrecisionMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void glob_data();
    void glob();
    void loadErrors_data();
    void loadErrors();
    void tinyVaeMapReport();
    void unmatchedParametersAreNamed();
    void jsonRoundTrip();
};

void TestPrecisionMap::glob_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("match");
    QTest::newRow("star matches everything") << "*" << "decoder.2.weight" << true;
    QTest::newRow("star crosses dots") << "encoder.*.weight" << "encoder.0.depthwise.weight" << true;
    QTest::newRow("exact") << "fc_mu.weight" << "fc_mu.weight" << true;
    QTest::newRow("exact is anchored") << "fc_mu" << "fc_mu.weight" << false;
    QTest::newRow("question mark one char") << "decoder.?.weight" << "decoder.6.weight" << true;
    QTest::newRow("question mark not two") << "decoder.?.weight" << "decoder.10.weight" << false;
    QTest::newRow("dot is literal") << "fc_mu.weight" << "fc_muXweight" << false;
    QTest::newRow("suffix") << "*.bias" << "encoder.0.norm.bias" << true;
    QTest::newRow("suffix mismatch") << "*.bias" << "encoder.0.norm.weight" << false;
    QTest::newRow("two stars backtrack") << "*coder*.weight" << "decoder_input.weight" << true;
    QTest::newRow("empty name") << "*" << "" << true;
    QTest::newRow("empty pattern") << "" << "a" << false;
}

void TestPrecisionMap::glob() {
    QFETCH(QString, pattern);
    QFETCH(QString, name);
    QFETCH(bool, match);
    QCOMPARE(globMatch(pattern.toStdString(), name.toStdString()), match);
}

void TestPrecisionMap::loadErrors_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing file") << "quant/no_such_map.json" << "cannot open precision map";
    QTest::newRow("bad scheme in entry 1") << "quant/precisionmap_badscheme.json" << "entry 1: invalid quantization scheme 'int12'";
    QTest::newRow("object instead of array") << "quant/precisionmap_notarray.json" << "expected a JSON array";
    QTest::newRow("misspelt key") << "quant/precisionmap_typo.json" << "entry 0 has unknown key 'schem'";
    QTest::newRow("truncated JSON") << "quant/precisionmap_truncated.json" << "not valid JSON";
}

void TestPrecisionMap::loadErrors() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = test::testData(file);
    const auto m = PrecisionMap::loadFile(path.toStdString());
    QVERIFY(!m.ok());
    const QString msg = QString::fromStdString(m.error().message);
    QVERIFY2(msg.contains(expected), qPrintable(msg));
    QVERIFY2(msg.contains(path), qPrintable(msg));  // the file is named
}

void TestPrecisionMap::tinyVaeMapReport() {
    const auto m = PrecisionMap::loadFile(test::testData("quant/precisionmap_tinyvae.json").toStdString());
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
    QCOMPARE(m->rules().size(), size_t(8));
    QCOMPARE(m->firstMatch("decoder.6.weight"), 0);  // first match wins over entry 4
    QCOMPARE(m->firstMatch("decoder.4.weight"), 4);
    QCOMPARE(m->firstMatch("encoder.1.depthwise.weight"), 7);

    const PrecisionMatchReport r = m->match(tinyVaeWeights(), tinyVaeRank1());
    QCOMPARE(r.rules[0].matched, (std::vector<std::string>{"decoder.6.weight"}));
    QCOMPARE(r.rules[1].matched, (std::vector<std::string>{"encoder.0.depthwise.weight", "encoder.0.pointwise.weight"}));
    QCOMPARE(r.rules[1].policyKept.size(), size_t(4));
    QCOMPARE(r.rules[2].matched, (std::vector<std::string>{"fc_mu.weight", "fc_logvar.weight"}));
    QCOMPARE(r.rules[4].matched, (std::vector<std::string>{"decoder.2.weight", "decoder.4.weight"}));
    QCOMPARE(r.rules[4].shadowed, (std::vector<std::string>{"decoder.6.weight"}));
    QCOMPARE(r.rules[7].matched.size(), size_t(4));
    QVERIFY(r.unmatchedParameters.empty());
    QCOMPARE(r.unusedRules(), (std::vector<int>{5, 6}));
    // Entries that matched nothing are named, and the bias entry says why.
    QVERIFY(anyContains(r.warnings, "precision map entry 5 ('encoder.9.*' -> int2) matched no parameter"));
    QVERIFY(anyContains(r.warnings, "entry 6 ('*.bias' -> int8) matched no parameter"));
    QVERIFY(anyContains(r.warnings, "quantizeBiases"));
    QCOMPARE(r.warnings.size(), size_t(2));
}

void TestPrecisionMap::unmatchedParametersAreNamed() {
    const auto m = PrecisionMap::fromJson(R"([{"pattern": "fc_*", "scheme": "int4"},
                                              {"pattern": "decoder.2.weight", "scheme": "int8"}])",
                                          "inline map");
    QVERIFY(m.ok());
    const auto r = m->match(tinyVaeWeights());
    QCOMPARE(r.unmatchedParameters.size(), size_t(9));
    QCOMPARE(r.unmatchedParameters.front(), std::string("encoder.0.depthwise.weight"));
    QVERIFY(r.unusedRules().empty());
    QCOMPARE(r.warnings.size(), size_t(1));
    const QString w = QString::fromStdString(r.warnings[0]);
    QVERIFY2(w.startsWith("WARNING: 75 % of the quantizable tensors are not covered"), qPrintable(w));
    QVERIFY2(w.contains("9 of 12"), qPrintable(w));
    QVERIFY2(w.contains("encoder.0.depthwise.weight") && w.contains("decoder.6.weight"), qPrintable(w));

    // Below 30 % the report still names them, without shouting.
    const auto m2 = PrecisionMap::fromJson(R"([{"pattern": "*coder*", "scheme": "int4"}])");
    const auto r2 = m2->match(tinyVaeWeights());
    QCOMPARE(r2.unmatchedParameters, (std::vector<std::string>{"fc_mu.weight", "fc_logvar.weight"}));
    QCOMPARE(r2.warnings.size(), size_t(1));
    QVERIFY(!QString::fromStdString(r2.warnings[0]).startsWith("WARNING"));
    QVERIFY(QString::fromStdString(r2.warnings[0]).contains("fc_mu.weight, fc_logvar.weight"));

    // Weighted by parameters, the same map leaves most of a TinyVAE L=16 unmatched: fc_mu and
    // fc_logvar are 2 of 12 tensors but 131,072 of its 223,147 weights (3 channels).
    const std::vector<int64_t> numel{27, 48, 144, 512, 288, 2048, 65536, 65536, 65536, 18432, 4608, 432};
    const auto r3 = m2->match(tinyVaeWeights(), {}, numel);
    QCOMPARE(r3.eligibleParams, int64_t(223147));
    QCOMPARE(r3.unmatchedParams, int64_t(131072));
    QCOMPARE(r3.warnings.size(), size_t(1));
    const QString w3 = QString::fromStdString(r3.warnings[0]);
    QVERIFY2(w3.startsWith("WARNING: 59 % of the parameters are not covered"), qPrintable(w3));
    QVERIFY2(w3.contains("2 of 12 quantizable tensors (131072 of 223147 parameters)"), qPrintable(w3));
}

void TestPrecisionMap::jsonRoundTrip() {
    const auto m = PrecisionMap::loadFile(test::testData("quant/precisionmap_tinyvae.json").toStdString());
    QVERIFY(m.ok());
    const auto back = PrecisionMap::fromJson(m->toJson());
    QVERIFY(back.ok());
    QCOMPARE(back->rules().size(), m->rules().size());
    for (size_t i = 0; i < m->rules().size(); ++i) {
        QCOMPARE(back->rules()[i].pattern, m->rules()[i].pattern);
        QVERIFY(back->rules()[i].scheme == m->rules()[i].scheme);
    }
}

QTEST_GUILESS_MAIN(TestPrecisionMap)
#include "tst_precisionmap.moc"
