// SPDX-License-Identifier: Apache-2.0
// SAGE's VisionPuzzleVAE (made by real PyTorch, tests/fixtures/model_visionpuzzlevae.py)
// opened in the studio offscreen: reconstructions at 224x224, the zoom dialog shows them at
// full resolution (at least one screen pixel per image pixel at zoom 1), the latent slider
// reduces the codebook, and File -> Open demo model lists both demos.
#include "studiofixture.h"
#include "testsupport.h"

#include "mainwindow.h"
#include "model/modelpanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "reconstruction/zoomdialog.h"
#include "reconstruction/zoomimageview.h"
#include "session/studiocontroller.h"

#include <QDir>
#include <QMenu>
#include <QtTest>

using namespace pareto;

class TestVisionPuzzleVaeStudio : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void opensAndZoomsAtFullResolution();
    void demoMenuListsBothDemos();
};

void TestVisionPuzzleVaeStudio::opensAndZoomsAtFullResolution() {
    const QString path = QDir(test::visionPuzzleVaeFixture()).filePath("vpvae.pt");
    QVERIFY2(QFile::exists(path), qPrintable(path + " (run the fixture_visionpuzzlevae test)"));
    ui::MainWindow w;
    w.show();
    w.openModel(path, test::demoSpec(), 6);
    QVERIFY(QTest::qWaitFor([&] { return w.controller()->session() && w.controller()->isSettled(); }, 300000));
    const ui::SessionInfo& info = w.controller()->session()->info;
    QCOMPARE(info.arch, QStringLiteral("visionpuzzlevae"));
    QCOMPARE(info.latentKind, QStringLiteral("codebook"));
    QCOMPARE(info.inputShape, QStringLiteral("3x224x224"));

    ui::ReconstructionGrid* grid = w.reconstructionPanel()->grid();
    const ui::PreviewResult* p = grid->preview();
    QVERIFY(p && !p->samples.isEmpty());
    QCOMPARE(p->samples[0].original.size(), QSize(224, 224));
    QCOMPARE(p->samples[0].compressed.size(), QSize(224, 224));

    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->sampleRect(0).center());
    ui::ZoomDialog* zoom = w.reconstructionPanel()->zoomDialog();
    QTRY_VERIFY(zoom->isVisible());
    // The layout settles at the views' new minimum size: an image's width plus the margins.
    QTRY_VERIFY(zoom->views()[0]->width() >= 224 + 8);
    for (auto* v : zoom->views()) {
        if (!v->isVisible()) continue;
        // 100 screen pixels cover at most 100 image pixels: full resolution or larger.
        const QPointF c = v->viewCenter();
        const double imagePixels = v->imagePointAt(c + QPointF(100, 0)).x() - v->imagePointAt(c).x();
        QVERIFY2(imagePixels <= 100.0 + 1e-9, qPrintable(QString("%1 image pixels per 100 screen pixels").arg(imagePixels)));
    }
    QVERIFY(!test::screenshot(zoom, "zoom-dialog-visionpuzzlevae").isEmpty());
    QVERIFY(!test::screenshot(&w, "studio-visionpuzzlevae").isEmpty());
    zoom->close();
}

void TestVisionPuzzleVaeStudio::demoMenuListsBothDemos() {
    ui::MainWindow w;
    auto* menu = w.findChild<QMenu*>(QStringLiteral("demoModelsMenu"));
    QVERIFY(menu);
    const auto actions = menu->actions();
    QCOMPARE(actions.size(), 2);
    QVERIFY(actions[0]->text().contains("TinyVAE"));
    QVERIFY(actions[1]->text().contains("VisionPuzzleVAE"));
}

QTEST_MAIN(TestVisionPuzzleVaeStudio)
#include "tst_visionpuzzlevaestudio.moc"
