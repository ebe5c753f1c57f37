// SPDX-License-Identifier: Apache-2.0
#include "data/dataspec.h"

#include <QtTest>

using namespace pareto;

class TestDataSpec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesAcceptedForms_data();
    void parsesAcceptedForms();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void parsesSplits_data();
    void parsesSplits();
    void rejectsBadSplits_data();
    void rejectsBadSplits();
};

void TestDataSpec::parsesAcceptedForms_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("dir");
    QTest::addColumn<QString>("normalized");
    const int fm = int(DataSpec::Kind::FashionMnist), cifar = int(DataSpec::Kind::Cifar10),
              folder = int(DataSpec::Kind::Folder);
    QTest::newRow("fashion-mnist, default dir")
        << "fashion-mnist" << fm << kDefaultFashionMnistDir
        << "fashion-mnist:/usr/share/datasets/fashion-mnist";
    QTest::newRow("fashion-mnist with dir") << "fashion-mnist:/data/fm" << fm << "/data/fm"
                                            << "fashion-mnist:/data/fm";
    QTest::newRow("cifar10, trailing slash dropped") << "cifar10:/data/cifar/" << cifar << "/data/cifar"
                                                      << "cifar10:/data/cifar";
    QTest::newRow("folder, relative dir") << "folder:images" << folder << "images" << "folder:images";
    QTest::newRow("folder, colon inside the path") << "folder:/mnt/a:b" << folder << "/mnt/a:b"
                                                   << "folder:/mnt/a:b";
    QTest::newRow("folder, root dir kept") << "folder:/" << folder << "/" << "folder:/";
}

void TestDataSpec::parsesAcceptedForms() {
    QFETCH(QString, text);
    QFETCH(int, kind);
    QFETCH(QString, dir);
    QFETCH(QString, normalized);
    const auto spec = parseDataSpec(text.toStdString());
    QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().message.c_str());
    QCOMPARE(int(spec->kind), kind);
    QCOMPARE(QString::fromStdString(spec->dir), dir);
    QCOMPARE(QString::fromStdString(spec->text), normalized);
}

void TestDataSpec::rejectsBadSpecs_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << "" << "unknown kind";
    QTest::newRow("unknown kind mnist") << "mnist:/data" << "unknown kind 'mnist'";
    QTest::newRow("kind is case-sensitive") << "Folder:/data" << "unknown kind 'Folder'";
    QTest::newRow("cifar10 without dir") << "cifar10" << "cifar10:DIR";
    QTest::newRow("cifar10 with empty dir") << "cifar10:" << "cifar10:DIR";
    QTest::newRow("folder without dir") << "folder" << "folder:DIR";
    QTest::newRow("fashion-mnist with empty dir") << "fashion-mnist:" << "empty DIR";
}

void TestDataSpec::rejectsBadSpecs() {
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    const auto spec = parseDataSpec(text.toStdString());
    QVERIFY(!spec.ok());
    const QString msg = QString::fromStdString(spec.error().message);
    QVERIFY2(msg.contains(mentions), qPrintable(msg));
    QVERIFY2(msg.contains("accepted: fashion-mnist, fashion-mnist:DIR, cifar10:DIR, folder:DIR"), qPrintable(msg));
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));
}

void TestDataSpec::parsesSplits_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("split");
    QTest::newRow("train") << "train" << int(Split::Train);
    QTest::newRow("val") << "val" << int(Split::Validation);
    QTest::newRow("test") << "test" << int(Split::Test);
    QTest::newRow("all") << "all" << int(Split::All);
}

void TestDataSpec::parsesSplits() {
    QFETCH(QString, text);
    QFETCH(int, split);
    const auto s = parseSplit(text.toStdString());
    QVERIFY(s.ok());
    QCOMPARE(int(*s), split);
    QCOMPARE(QString(splitName(*s)), text);  // names round-trip
}

void TestDataSpec::rejectsBadSplits_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("long form validation") << "validation";
    QTest::newRow("capitalised Train") << "Train";
}

void TestDataSpec::rejectsBadSplits() {
    QFETCH(QString, text);
    const auto s = parseSplit(text.toStdString());
    QVERIFY(!s.ok());
    QVERIFY(QString::fromStdString(s.error().message).contains("accepted: train, val, test, all"));
}

QTEST_GUILESS_MAIN(TestDataSpec)
#include "tst_dataspec.moc"
