// SPDX-License-Identifier: Apache-2.0
// Scheme strings: parse/format round trip, fields, errors naming the problem.
#include "quant/quantscheme.h"

#include <QtTest>

using namespace pareto;

class TestQuantScheme : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void canonicalForm_data();
    void canonicalForm();
    void fields();
    void roundTripEveryCombination();
    void parseErrors_data();
    void parseErrors();
};

void TestQuantScheme::canonicalForm_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("fp32") << "fp32" << "fp32";
    QTest::newRow("fp16") << "fp16" << "fp16";
    QTest::newRow("bf16") << "bf16" << "bf16";
    QTest::newRow("int8 defaults to per channel") << "int8" << "int8";
    QTest::newRow("explicit channel and sym dropped") << "int8-channel-sym" << "int8";
    QTest::newRow("int4 per tensor") << "int4-tensor" << "int4-tensor";
    QTest::newRow("int4 group 64") << "int4-g64" << "int4-g64";
    QTest::newRow("int3 channel asym") << "int3-channel-asym" << "int3-asym";
    QTest::newRow("int4 group 128 mse") << "int4-g128-clip=mse" << "int4-g128-clip=mse";
    QTest::newRow("percentile default") << "int4-clip=percentile" << "int4-clip=p99.99";
    QTest::newRow("percentile explicit") << "int6-clip=p99.9" << "int6-clip=p99.9";
    QTest::newRow("options in any order") << "int5-scale=fp32-asym-g32" << "int5-g32-asym-scale=fp32";
    QTest::newRow("minmax is the default clip") << "int2-clip=minmax" << "int2";
    QTest::newRow("nf4") << "nf4" << "nf4";
    QTest::newRow("nf4 block 64 is the default") << "nf4-g64" << "nf4";
    QTest::newRow("nf4 block 32") << "nf4-g32" << "nf4-g32";
    QTest::newRow("ternary is base-3") << "ternary-base3" << "ternary";
    QTest::newRow("ternary 2bit per tensor") << "ternary-tensor-2bit" << "ternary-2bit-tensor";
    QTest::newRow("ternary fp32 scale") << "ternary-scale=fp32" << "ternary-scale=fp32";
}

void TestQuantScheme::canonicalForm() {
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const auto s = QuantScheme::parse(text.toStdString());
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(QString::fromStdString(s->toString()), canonical);
    const auto again = QuantScheme::parse(s->toString());
    QVERIFY(again.ok());
    QVERIFY(*again == *s);
}

void TestQuantScheme::fields() {
    const auto s = QuantScheme::parse("int3-g128-asym-clip=p99.5-scale=fp32");
    QVERIFY(s.ok());
    QCOMPARE(s->kind, QuantKind::Integer);
    QCOMPARE(s->bits, 3);
    QVERIFY(!s->symmetric);
    QCOMPARE(s->granularity, Granularity::Group);
    QCOMPARE(s->groupSize, int64_t(128));
    QCOMPARE(s->clip, ClipMethod::Percentile);
    QCOMPARE(s->percentile, 99.5);
    QCOMPARE(s->scaleDtype, ScaleDtype::Fp32);
    QCOMPARE(s->qmax(), 3);

    // What a CLI fills from flags formats to the same string.
    QuantScheme flags = QuantScheme::integer(4, Granularity::Group, 64);
    flags.clip = ClipMethod::Mse;
    QCOMPARE(QString::fromStdString(flags.toString()), QString("int4-g64-clip=mse"));
    QCOMPARE(QuantScheme::nf4().storedBits(), 4);
    QCOMPARE(QuantScheme::ternary().storedBits(), 2);
}

void TestQuantScheme::roundTripEveryCombination() {
    int checked = 0;
    for (int bits = 2; bits <= 8; ++bits)
        for (Granularity g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::Group})
            for (bool sym : {true, false})
                for (ClipMethod c : {ClipMethod::MinMax, ClipMethod::Percentile, ClipMethod::Mse})
                    for (ScaleDtype d : {ScaleDtype::Fp16, ScaleDtype::Fp32}) {
                        QuantScheme s = QuantScheme::integer(bits, g, 1 + 37 * bits);
                        s.symmetric = sym;
                        s.clip = c;
                        s.percentile = 99.0 + 0.125 * bits;
                        s.scaleDtype = d;
                        const auto back = QuantScheme::parse(s.toString());
                        QVERIFY2(back.ok(), s.toString().c_str());
                        QVERIFY2(*back == s, s.toString().c_str());
                        ++checked;
                    }
    QCOMPARE(checked, 7 * 3 * 2 * 3 * 2);
}

void TestQuantScheme::parseErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown base") << "int9" << "unknown base 'int9'";
    QTest::newRow("one bit") << "int1" << "unknown base 'int1'";
    QTest::newRow("empty") << "" << "unknown base ''";
    QTest::newRow("group zero") << "int4-g0" << "group size must be >= 1";
    QTest::newRow("unknown option") << "int4-fast" << "unknown option 'fast'";
    QTest::newRow("two granularities") << "int4-g64-tensor" << "granularity given twice";
    QTest::newRow("bad clip") << "int4-clip=max" << "unknown clip 'max'";
    QTest::newRow("percentile out of range") << "int4-clip=p120" << "percentile must be in (0, 100]";
    QTest::newRow("asym nf4") << "nf4-asym" << "unknown option 'asym' for nf4";
    QTest::newRow("grouped ternary") << "ternary-g64" << "unknown option 'g64' for ternary";
    QTest::newRow("fp16 options") << "fp16-tensor" << "unknown base 'fp16'";
    QTest::newRow("bad scale dtype") << "int8-scale=bf16" << "unknown scale dtype 'bf16'";
    QTest::newRow("trailing dash") << "int8-" << "empty option";
}

void TestQuantScheme::parseErrors() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto s = QuantScheme::parse(text.toStdString());
    QVERIFY(!s.ok());
    const QString msg = QString::fromStdString(s.error().message);
    QVERIFY2(msg.contains(expected), qPrintable(msg));
    QVERIFY2(msg.contains("'" + text + "'"), qPrintable(msg));
}

QTEST_GUILESS_MAIN(TestQuantScheme)
#include "tst_quantscheme.moc"
