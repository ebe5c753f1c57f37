// SPDX-License-Identifier: Apache-2.0
// Dense LSB-first bit packing (2..8 bits) and base-3 trit packing: known byte layouts,
// round trips, fast == reference at every bit offset.
#include "quant/bitpacking.h"

#include <QtTest>

#include <random>
#include <vector>

using namespace pareto;
using namespace pareto::detail;

namespace {

std::vector<uint8_t> randomCodes(int64_t n, int bits, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> c(static_cast<size_t>(n));
    for (auto& v : c) v = static_cast<uint8_t>(rng() & ((1u << bits) - 1));
    return c;
}

std::vector<uint8_t> randomTrits(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> c(static_cast<size_t>(n));
    for (auto& v : c) v = static_cast<uint8_t>(rng() % 3);
    return c;
}

}  // namespace

class TestBitPacking : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownLayouts();
    void roundTrip_data();
    void roundTrip();
    void tritsKnownLayout();
    void tritRoundTrip_data();
    void tritRoundTrip();
    void signExtension();
};

void TestBitPacking::knownLayouts() {
    // 3-bit codes 1..7,0: value i at bits [3i, 3i+3) LSB first -> 0xD1 0x58 0x1F, the third
    // code straddling bytes 0 and 1.
    const std::vector<uint8_t> c3 = {1, 2, 3, 4, 5, 6, 7, 0};
    for (auto pack : {packBitsReference, packBitsFast}) {
        std::vector<uint8_t> out(3, 0);
        pack(c3.data(), 8, 3, out.data(), 0);
        QCOMPARE(out, (std::vector<uint8_t>{0xD1, 0x58, 0x1F}));
    }
    // Nibbles: first value low.
    const std::vector<uint8_t> c4 = {0x1, 0xF, 0x7, 0x8};
    std::vector<uint8_t> out4(2, 0);
    packBitsFast(c4.data(), 4, 4, out4.data(), 0);
    QCOMPARE(out4, (std::vector<uint8_t>{0xF1, 0x87}));
    // 2 bits, 5 codes: the last byte is partial.
    const std::vector<uint8_t> c2 = {3, 0, 1, 2, 1};
    std::vector<uint8_t> out2(2, 0);
    packBitsFast(c2.data(), 5, 2, out2.data(), 0);
    QCOMPARE(out2, (std::vector<uint8_t>{0x93, 0x01}));
    QCOMPARE(packedBytes(5, 2), int64_t(2));
    QCOMPARE(packedBytes(9, 7), int64_t(8));
    QCOMPARE(packedBytes(0, 3), int64_t(0));
}

void TestBitPacking::roundTrip_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("offset");
    for (int bits = 2; bits <= 8; ++bits)
        for (int count : {0, 1, 7, 8, 9, 63, 64, 1001})
            for (int offset : {0, 3, 8, 13}) {
                const QByteArray name = QString("%1-bit, %2 codes, bit offset %3").arg(bits).arg(count).arg(offset).toUtf8();
                QTest::newRow(name.constData()) << bits << count << offset;
            }
}

void TestBitPacking::roundTrip() {
    QFETCH(int, bits);
    QFETCH(int, count);
    QFETCH(int, offset);
    const auto codes = randomCodes(count, bits, static_cast<uint32_t>(bits * 1000 + count + offset));
    const size_t bytes = static_cast<size_t>(packedBytes(count + offset, bits) + 1);
    // Bits before the offset are pre-set: packing must OR around them, never clobber.
    std::vector<uint8_t> ref(bytes, 0), fast(bytes, 0);
    const uint8_t lead = static_cast<uint8_t>((1u << (offset % 8)) - 1);
    for (int i = 0; i < offset / 8; ++i) ref[static_cast<size_t>(i)] = fast[static_cast<size_t>(i)] = 0xFF;
    ref[static_cast<size_t>(offset / 8)] = fast[static_cast<size_t>(offset / 8)] = lead;
    // Codes are packed from an offset in codes (offset / bits whole codes) scaled to bits.
    const int64_t bitOffset = static_cast<int64_t>(offset) * bits;
    std::vector<uint8_t> refBuf(static_cast<size_t>(packedBytes(count, bits) + offset * bits / 8 + 2), 0);
    std::vector<uint8_t> fastBuf = refBuf;
    packBitsReference(codes.data(), count, bits, refBuf.data(), bitOffset);
    packBitsFast(codes.data(), count, bits, fastBuf.data(), bitOffset);
    QCOMPARE(fastBuf, refBuf);

    std::vector<uint8_t> backRef(static_cast<size_t>(count)), backFast(static_cast<size_t>(count));
    unpackBitsReference(refBuf.data(), count, bits, backRef.data(), bitOffset);
    unpackBitsFast(refBuf.data(), count, bits, backFast.data(), bitOffset);
    QCOMPARE(backRef, codes);
    QCOMPARE(backFast, codes);

    // Pre-set neighbouring bits survive and do not leak into the codes.
    packBitsReference(codes.data(), count, bits, ref.data(), offset);
    packBitsFast(codes.data(), count, bits, fast.data(), offset);
    QCOMPARE(fast, ref);
    QCOMPARE(static_cast<int>(ref[static_cast<size_t>(offset / 8)] & lead), static_cast<int>(lead));
    std::vector<uint8_t> back(static_cast<size_t>(count));
    unpackBitsFast(fast.data(), count, bits, back.data(), offset);
    QCOMPARE(back, codes);
}

void TestBitPacking::tritsKnownLayout() {
    // 5 trits per byte, first trit least significant: 2 + 1*3 + 0*9 + 2*27 + 1*81 = 140.
    const std::vector<uint8_t> t = {2, 1, 0, 2, 1, 2, 2};
    for (auto pack : {packTritsReference, packTritsFast}) {
        std::vector<uint8_t> out(static_cast<size_t>(tritBytes(7)), 0);
        pack(t.data(), 7, out.data(), 0);
        QCOMPARE(out, (std::vector<uint8_t>{140, 8}));
    }
    QCOMPARE(tritBytes(5), int64_t(1));
    QCOMPARE(tritBytes(6), int64_t(2));
}

void TestBitPacking::tritRoundTrip_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("offset");
    for (int count : {0, 1, 4, 5, 6, 99, 1000})
        for (int offset : {0, 2, 5, 7}) {
            const QByteArray name = QString("%1 trits at trit %2").arg(count).arg(offset).toUtf8();
            QTest::newRow(name.constData()) << count << offset;
        }
}

void TestBitPacking::tritRoundTrip() {
    QFETCH(int, count);
    QFETCH(int, offset);
    const auto trits = randomTrits(count, static_cast<uint32_t>(count * 7 + offset));
    std::vector<uint8_t> ref(static_cast<size_t>(tritBytes(count + offset)), 0), fast = ref;
    packTritsReference(trits.data(), count, ref.data(), offset);
    packTritsFast(trits.data(), count, fast.data(), offset);
    QCOMPARE(fast, ref);
    for (uint8_t b : ref) QVERIFY(b < 243);
    std::vector<uint8_t> a(static_cast<size_t>(count)), b(static_cast<size_t>(count));
    unpackTritsReference(ref.data(), count, a.data(), offset);
    unpackTritsFast(ref.data(), count, b.data(), offset);
    QCOMPARE(a, trits);
    QCOMPARE(b, trits);
}

void TestBitPacking::signExtension() {
    QCOMPARE(signExtend(0x7, 3), -1);
    QCOMPARE(signExtend(0x3, 3), 3);
    QCOMPARE(signExtend(0x5, 3), -3);
    QCOMPARE(signExtend(0x81, 8), -127);
    QCOMPARE(signExtend(0x9, 4), -7);
    QCOMPARE(signExtend(0x1, 2), 1);
    QCOMPARE(signExtend(0x3, 2), -1);
}

QTEST_GUILESS_MAIN(TestBitPacking)
#include "tst_bitpacking.moc"
