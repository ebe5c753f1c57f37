// SPDX-License-Identifier: Apache-2.0
// Where the demo and resources are found: an installed copy reads its own share/ folder,
// and the source tree counts only for an executable inside the build tree.
#include "common/resourcepaths.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestResourcePaths : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void choosesFolder_data();
    void choosesFolder();
    void demoPathsUseTheChosenFolder();
};

// Each row lays out a tree under a temp root: `folders` exist, the lookup's fields are
// paths relative to the root ("" stays empty), `expected` is relative to the root too.
void TestResourcePaths::choosesFolder_data() {
    QTest::addColumn<QStringList>("folders");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("executableDir");
    QTest::addColumn<QString>("expected");
    const QStringList tree{"src/resources", "src/build/app", "prefix/bin", "prefix/share/pareto-studio", "copy/bin"};
    QTest::newRow("environment wins over everything") << tree << "elsewhere" << "prefix/bin" << "elsewhere";
    QTest::newRow("installed: share/pareto-studio beside bin/") << tree << "" << "prefix/bin" << "prefix/share/pareto-studio";
    QTest::newRow("build-tree run: the source tree") << tree << "" << "src/build/app" << "src/resources";
    QTest::newRow("copied out of the build tree: not the source tree") << tree << "" << "copy/bin" << "usr/share/pareto-studio";
    QTest::newRow("unpacked inside the build tree: its own share/ first")
        << (QStringList(tree) << "src/build/pkg/usr/bin" << "src/build/pkg/usr/share/pareto-studio") << "" << "src/build/pkg/usr/bin"
        << "src/build/pkg/usr/share/pareto-studio";
    QTest::newRow("build-tree run without a source tree: install prefix") << QStringList{"src/build/app"} << "" << "src/build/app"
                                                                         << "usr/share/pareto-studio";
    QTest::newRow("executable unknown: install prefix") << tree << "" << "" << "usr/share/pareto-studio";
}

void TestResourcePaths::choosesFolder() {
    QFETCH(QStringList, folders);
    QFETCH(QString, environment);
    QFETCH(QString, executableDir);
    QFETCH(QString, expected);
    QTemporaryDir root;
    QVERIFY(root.isValid());
    // Compare canonical paths: the lookup resolves "bin/.." and symlinked temp folders.
    const QString base = QDir(root.path()).canonicalPath();
    for (const QString& f : folders) QVERIFY(QDir(base).mkpath(f));
    const auto at = [&base](const QString& rel) { return rel.isEmpty() ? std::string() : (base + '/' + rel).toStdString(); };

    detail::ResourceLookup lookup;
    lookup.environment = at(environment);
    lookup.executableDir = at(executableDir);
    lookup.buildDir = at(QStringLiteral("src/build"));
    lookup.sourceResources = at(QStringLiteral("src/resources"));
    lookup.installResources = at(QStringLiteral("usr/share/pareto-studio"));
    QCOMPARE(QString::fromStdString(detail::chooseResourceDir(lookup)), base + '/' + expected);
}

void TestResourcePaths::demoPathsUseTheChosenFolder() {
    QTemporaryDir root;
    QVERIFY(root.isValid());
    qputenv("PARETO_RESOURCE_DIR", root.path().toUtf8());
    QCOMPARE(QString::fromStdString(resourceDir()), root.path());
    QCOMPARE(QString::fromStdString(demoModelPath()), root.path() + "/demo/tinyvae-fmnist-l16.safetensors");
    QCOMPARE(QString::fromStdString(demoDataSpec()), "fashion-mnist:" + root.path() + "/demo/fashion-mnist-subset");
}

QTEST_GUILESS_MAIN(TestResourcePaths)
#include "tst_resourcepaths.moc"
