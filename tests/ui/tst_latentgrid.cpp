// SPDX-License-Identifier: Apache-2.0
// The latent x bits heat map: run from its Charts tab, every cell equals core sweepCompound's
// figure for the same rows and schemes on the same images; clicking a cell puts that
// configuration on the sliders; the grid exports as CSV, PNG and SVG; Cancel (with the worker
// held at a gate) stops it and keeps nothing half-measured.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/latentgridpanel.h"
#include "charts/latentgridview.h"
#include "charts/qualitychart.h"
#include "controls/controlspanel.h"
#include "jobs/jobprogresswidget.h"
#include "jobs/latentgridjob.h"
#include "jobs/workergate.h"
#include "latent/corelatentprovider.h"
#include "mainwindow.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"
#include "warnings/warningspanel.h"

#include "data/datasetloader.h"
#include "eval/modelevaluation.h"
#include "latent/compoundsweep.h"
#include "latent/latentreduction.h"
#include "latent/latentstatistics.h"
#include "model/modelloader.h"

#include <QCheckBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace pareto;

namespace {
constexpr qint64 kImages = 48;
}

class TestLatentGrid : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void gridEqualsCore();
    void cancelKeepsNothing();
};

void TestLatentGrid::gridEqualsCore() {
    ui::MainWindow w;
    w.latentProvider()->setUseDemoCatalog(false);  // rows: the original and PCA only, whatever resources/ holds
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    QTRY_VERIFY_WITH_TIMEOUT(w.latentProvider()->statistics() && w.latentProvider()->catalogReady(), 60000);
    ui::LatentGridPanel* grid = w.latentGridPanel();
    w.chartsPanel()->showView(grid);
    grid->pcaBox()->clear();
    QTest::keyClicks(grid->pcaBox(), "4,8");
    QSignalSpy finished(grid->job(), &ui::LatentGridJob::finished);
    QTest::mouseClick(grid->runButton(), Qt::LeftButton);
    QVERIFY(grid->isRunning());
    QVERIFY(w.jobProgress()->isActive("latent-grid"));
    QVERIFY(finished.wait(180000));
    const ui::LatentGridResult* r = grid->result();
    QVERIFY(r);
    const int schemes = static_cast<int>(w.chartsPanel()->sweepGrid().size());
    QCOMPARE(r->rows.size(), 3);
    QCOMPARE(r->columns.size(), 1 + schemes);
    QCOMPARE(r->measured().size(), 3 * (1 + schemes));

    // Core's grid: the same rows (statistics of mu on the same training images) and schemes.
    auto loaded = loadModel(test::demoModel().toStdString());
    auto spec = parseDataSpec(test::demoSpec().toStdString());
    QVERIFY(loaded.ok() && spec.ok());
    DatasetLoadOptions o;
    o.limit = kImages;
    o = optionsForModel(loaded->model->info(), o);
    auto data = loadDataset(*spec, o);
    auto mean = loadMeanImage(*spec, o);
    DatasetLoadOptions co = o;
    co.split = Split::Train;
    co.limit = ui::kCalibrationImages;
    auto calib = loadDataset(*spec, co);
    QVERIFY(data.ok() && mean.ok() && calib.ok());
    auto stats = collectLatentStatistics(*loaded->model, *calib);
    QVERIFY(stats.ok());
    std::vector<LatentVariant> variants;
    for (int k : {4, 8}) {
        auto red = reduceLatentPca(loaded->model, *stats, k);
        QVERIFY(red.ok());
        LatentVariant v;
        v.method = "pca";
        v.k = k;
        v.model = red->model;
        variants.push_back(v);
    }
    std::vector<QuantPlan> plans;
    for (const auto& s : w.chartsPanel()->sweepGrid()) {
        QuantPlan p;
        p.defaultScheme = s;
        plans.push_back(p);
    }
    auto core = sweepCompound(loaded->model, variants, plans, *data, *mean, 64);
    QVERIFY2(core.ok(), core.ok() ? "" : core.error().message.c_str());
    QCOMPARE(static_cast<int>(core->rows.size()), r->measured().size());
    int front = 0;
    for (const CompoundRow& row : core->rows) {
        const int ri = row.method == "original" ? 0 : row.k == 4 ? 1 : 2;
        const int ci = static_cast<int>(r->columns.indexOf(QString::fromStdString(row.scheme)));
        const ui::LatentGridCell* c = r->cell(ri, ci);
        QVERIFY2(c, row.scheme.c_str());
        QCOMPARE(c->bytes, row.size.bytes);
        QCOMPARE(c->params, row.size.params);
        QCOMPARE(c->mse.mean, row.metrics.mse.mean);
        QCOMPARE(c->mse.lo, row.metrics.mse.lo);
        QCOMPARE(c->mse.hi, row.metrics.mse.hi);
        QCOMPARE(c->deltaMse.estimate.mean, row.deltaVsOriginal.mse.estimate.mean);
        QCOMPARE(c->pareto, row.pareto);
        QCOMPARE(c->untrained, row.untrainedWarning);
        front += row.pareto;
    }
    QVERIFY(front >= 1);
    // The grid's points are configurations of the session: chart points carrying their latent choice.
    const ui::EvaluatedConfig* e = w.controller()->configs()->find(QStringLiteral("pca-k8|int4-g64"));
    QVERIFY(e);
    QCOMPARE(e->source, QStringLiteral("latent grid"));
    QCOMPARE(e->bytes, r->cell(2, static_cast<int>(r->columns.indexOf("int4-g64")))->bytes);
    QTRY_VERIFY(w.chartsPanel()->qualityChart()->pointCount() >= r->measured().size());
    QVERIFY(!w.chartsPanel()->qualityChart()->tooltipFor(QStringLiteral("pca-k4|nf4")).isEmpty());
    const int ci = static_cast<int>(r->columns.indexOf("int4-g64"));
    QVERIFY(grid->view()->tooltipFor(2, ci).contains("PCA k=8 · int4-g64"));
    QVERIFY(!test::screenshot(grid, "latent-grid").isEmpty());
    QVERIFY(!test::screenshot(&w, "latent-grid-window").isEmpty());

    // Exports: CSV (one line per cell), PNG, SVG.
    QTemporaryDir dir;
    QCOMPARE(grid->exportCsv(dir.filePath("grid.csv")), QString());
    QFile csv(dir.filePath("grid.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + r->measured().size());
    QVERIFY(lines[0].startsWith("configuration,method,k,seed,scheme,params,bytes"));
    QVERIFY(lines.filter(QRegularExpression("^pca-k8\\|int4-g64,pca,8,,int4-g64,")).size() == 1);
    QCOMPARE(w.chartsPanel()->exportView(dir.filePath("grid.png")), QString());
    QVERIFY(!QImage(dir.filePath("grid.png")).isNull());
    QCOMPARE(w.chartsPanel()->exportView(dir.filePath("grid.svg")), QString());
    QFile svg(dir.filePath("grid.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));

    // A click on a cell puts its configuration on the sliders.
    QTest::mouseClick(grid->view(), Qt::LeftButton, {}, grid->view()->cellCenter(2, ci));
    QCOMPARE(w.controller()->currentConfig().key(), QStringLiteral("pca-k8|int4-g64"));
    QVERIFY(test::waitSettled(w));
    QCOMPARE(w.controlsPanel()->latentChoice().k, 8);
    QCOMPARE(QString::fromStdString(w.controlsPanel()->scheme().toString()), QStringLiteral("int4-g64"));
}

void TestLatentGrid::cancelKeepsNothing() {
    ui::MainWindow w;
    w.latentProvider()->setUseDemoCatalog(false);
    w.show();
    QVERIFY(test::openDemo(w, kImages));
    QTRY_VERIFY_WITH_TIMEOUT(w.latentProvider()->statistics(), 60000);
    ui::LatentGridPanel* grid = w.latentGridPanel();
    auto gate = std::make_shared<ui::WorkerGate>();
    gate->holdAt(2);
    grid->job()->setGate(gate);
    const int before = w.controller()->configs()->size();
    QSignalSpy cancelled(grid->job(), &ui::LatentGridJob::cancelled);
    QTest::mouseClick(grid->runButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(gate->waiting(), 60000);
    QCOMPARE(gate->waitingStep(), 2);
    QCOMPARE(grid->runButton()->text(), QStringLiteral("Cancel grid"));
    QTest::mouseClick(w.jobProgress()->cancelButton(), Qt::LeftButton);
    gate->release();
    QVERIFY(cancelled.wait(60000));
    QVERIFY(!grid->isRunning());
    QVERIFY(!grid->result());
    QCOMPARE(w.controller()->configs()->size(), before);
    QCOMPARE(grid->runButton()->text(), QStringLiteral("Run grid"));
    QVERIFY(!w.jobProgress()->isActive("latent-grid"));
    QVERIFY(w.warningsPanel()->messages().join('\n').contains("the latent × bits grid was cancelled"));
}

QTEST_MAIN(TestLatentGrid)
#include "tst_latentgrid.moc"
