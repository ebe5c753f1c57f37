// SPDX-License-Identifier: Apache-2.0
// StateDict: order, replacement, and deep copies that share no storage.
#include "common/statedict.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace pareto;

class TestStateDict : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsOrderAndReplaces();
    void deepCloneSharesNoStorage();
    void prefixStripping();
    void parameterCountSkipsIntegers();
};

void TestStateDict::keepsOrderAndReplaces() {
    StateDict sd;
    sd.set("b", at::zeros({2}));
    sd.set("a", at::zeros({3}));
    sd.set("b", at::ones({4}));
    QCOMPARE(sd.size(), size_t(2));
    QCOMPARE(sd.names(), (std::vector<std::string>{"b", "a"}));
    QCOMPARE(sd.get("b").numel(), int64_t(4));
    QVERIFY(!sd.get("missing").defined());
    QVERIFY(sd.find("missing") == nullptr);
}

void TestStateDict::deepCloneSharesNoStorage() {
    StateDict sd;
    sd.set("w", at::arange(12, at::kFloat).view({3, 4}).t());  // non-contiguous view
    const StateDict copy = sd.deepClone();
    QVERIFY(copy.get("w").equal(sd.get("w")));
    QVERIFY(copy.get("w").is_contiguous());
    QVERIFY(!copy.get("w").is_same(sd.get("w")));
    QVERIFY(copy.get("w").storage().data() != sd.get("w").storage().data());
    copy.get("w").fill_(7);
    QCOMPARE(sd.get("w").sum().item<double>(), 66.0);
}

void TestStateDict::prefixStripping() {
    StateDict sd;
    sd.set("module.a", at::zeros({1}));
    sd.set("other", at::zeros({1}));
    const StateDict s = sd.withPrefixStripped("module.");
    QCOMPARE(s.names(), (std::vector<std::string>{"a"}));
}

void TestStateDict::parameterCountSkipsIntegers() {
    StateDict sd;
    sd.set("w", at::zeros({3, 5}));
    sd.set("h", at::zeros({7}, at::kHalf));
    sd.set("steps", at::zeros({1}, at::kLong));
    QCOMPARE(sd.parameterCount(), int64_t(22));
}

QTEST_GUILESS_MAIN(TestStateDict)
#include "tst_statedict.moc"
