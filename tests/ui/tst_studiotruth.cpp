// SPDX-License-Identifier: Apache-2.0
// One truth per number and A/B for everything measured: the panel, the table, the chart's
// hover text and the report give the same headline ratio (vs the opened model's FP32) for
// the original, a PCA fold, a trained and a distilled model, and label the own-FP32 ratio
// where it differs; after a sweep and a latent x bits grid every configuration can be
// pinned as A and current − A appears; the chart names only the current point, A and the
// front (labels never overlap), names the rest on hover, keeps points no better than the
// mean image off the front, draws identical weights once with both names, and Clear keeps
// the opened model's FP32 point.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/configtablemodel.h"
#include "charts/latentgridpanel.h"
#include "charts/qualitychart.h"
#include "controls/controlspanel.h"
#include "latent/corelatentprovider.h"
#include "latent/distilljob.h"
#include "mainwindow.h"
#include "metrics/metricspanel.h"
#include "report/reportwriter.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include <QAbstractItemModel>
#include <QCheckBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QToolTip>
#include <QtTest>

using namespace pareto;

namespace {

constexpr qint64 kImages = 32;
constexpr int kLong = 300000;

ui::StudioConfig configOf(const QString& method, int k, int seed, const QString& scheme) {
    ui::StudioConfig c;
    c.latent.method = method == "pca"       ? ui::LatentMethod::Pca
                      : method == "trained" ? ui::LatentMethod::Trained
                      : method == "distill" ? ui::LatentMethod::Distilled
                                            : ui::LatentMethod::Original;
    c.latent.k = k;
    if (seed > 0) c.latent.seed = static_cast<uint64_t>(seed);
    c.scheme = *QuantScheme::parse(scheme.toStdString());
    return c;
}

bool showConfig(ui::MainWindow& w, const ui::StudioConfig& c) {
    w.controlsPanel()->setConfig(c);
    return QTest::qWaitFor(
        [&] {
            ui::StudioController* s = w.controller();
            return s->currentConfig() == c && !s->latentPending() && s->isSettled() && s->currentMetrics() && s->currentMetrics()->complete;
        },
        kLong);
}

QString tableText(ui::MainWindow& w, const QString& key, int column) {
    QAbstractItemModel* m = w.chartsPanel()->table()->model();
    const auto* proxy = qobject_cast<QSortFilterProxyModel*>(m);
    const auto* source = qobject_cast<const ui::ConfigTableModel*>(proxy->sourceModel());
    for (int r = 0; r < source->rowCount(); ++r)
        if (source->keyAt(r) == key) return source->data(source->index(r, column), Qt::DisplayRole).toString();
    return {};
}

ui::EvaluatedConfig record(const QString& key, const QString& label, qint64 bytes, double mse, const QString& weightsId, bool baseline = false) {
    ui::EvaluatedConfig c;
    c.key = key;
    c.label = label;
    c.source = QStringLiteral("test");
    auto scheme = QuantScheme::parse(key.toStdString());
    c.config.scheme = scheme ? *scheme : QuantScheme::fp32();
    c.baseline = baseline;
    c.bytes = c.fp32Bytes = c.originalFp32Bytes = bytes;
    c.n = c.total = 10;
    c.complete = true;
    c.mse = Estimate{mse, mse * 0.9, mse * 1.1};
    c.psnr = Estimate{10, 9, 11};
    c.ssim = Estimate{0.5, 0.4, 0.6};
    c.weightsId = weightsId;
    return c;
}

}  // namespace

class TestStudioTruth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_window.reset(); }
    void ratioSameEverywhere_data();
    void ratioSameEverywhere();
    void chartRulesOnSyntheticPoints();
    void everyConfigurationPinsAfterSweepAndGrid();
    void hoverNamesAnyPoint();
    void clearKeepsFp32();

private:
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestStudioTruth::initTestCase() {
    test::isolateSettings();
    m_window = std::make_unique<ui::MainWindow>();
    ui::DistillSettings s;
    s.epochs = 1;
    s.trainImages = 256;
    s.valImages = 64;
    m_window->latentProvider()->setDistillSettings(s);
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(test::openDemo(*m_window, kImages));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->latentProvider()->statistics() && m_window->latentProvider()->catalogReady(), kLong);
}

void TestStudioTruth::ratioSameEverywhere_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("seed");
    QTest::addColumn<QString>("scheme");
    QTest::newRow("original L=16, int4") << "original" << 16 << 0 << "int4";
    QTest::newRow("PCA k=8, int8") << "pca" << 8 << 0 << "int8";
    QTest::newRow("trained k=8 seed 1, int8") << "trained" << 8 << 1 << "int8";
    QTest::newRow("distilled k=4, int8") << "distill" << 4 << 0 << "int8";
}

void TestStudioTruth::ratioSameEverywhere() {
    QFETCH(QString, method);
    QFETCH(int, k);
    QFETCH(int, seed);
    QFETCH(QString, scheme);
    ui::MainWindow& w = *m_window;
    const ui::StudioConfig config = configOf(method, k, seed, scheme);
    QVERIFY2(showConfig(w, config), qPrintable(w.controller()->currentConfig().key()));
    const ui::EvaluatedConfig rec = *w.controller()->currentMetrics();
    const qint64 original = w.controller()->session()->info.fp32Bytes;
    const double headline = double(original) / double(rec.bytes);
    QCOMPARE(rec.ratioVsOriginal(), headline);
    const QString shown = ui::formatRatio(headline);
    const QString sentence = shown + " smaller than the original FP32";

    const QString panel = w.metricsPanel()->text();
    QVERIFY2(panel.contains(sentence), qPrintable(panel));
    QTRY_COMPARE(tableText(w, rec.key, ui::ConfigTableModel::Ratio), shown);
    QCOMPARE(tableText(w, rec.key, ui::ConfigTableModel::OwnRatio), ui::formatRatio(rec.ratio));
    const ui::ReportWriter report(*w.controller(), ui::Metric::Mse);
    QVERIFY(report.ready());
    QVERIFY2(report.factsHtml().contains(sentence), qPrintable(report.factsHtml()));
    QTRY_VERIFY(w.chartsPanel()->qualityChart()->tooltipFor(rec.key).contains(sentence));

    // A model of its own (another latent size): its own-FP32 ratio is there too, labelled.
    const bool own = config.latent.method != ui::LatentMethod::Original;
    QCOMPARE(rec.hasOwnFp32(), own);
    const QString ownText = ui::formatRatio(rec.ratio) + " vs its own FP32";
    QCOMPARE(panel.contains(ownText), own);
    QCOMPARE(report.factsHtml().contains(ownText), own);
    QCOMPARE(w.chartsPanel()->qualityChart()->tooltipFor(rec.key).contains(ownText), own);
    if (!own) QCOMPARE(rec.ratio, headline);
}

void TestStudioTruth::chartRulesOnSyntheticPoints() {
    ui::QualityChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    ui::MeanImageFigures mean;
    mean.mse = Estimate{0.05, 0.045, 0.055};
    mean.psnr = Estimate{13, 12.9, 13.1};
    mean.ssim = Estimate{0.3, 0.29, 0.31};
    mean.valid = true;
    QVector<ui::EvaluatedConfig> all{record("fp32", "FP32", 400000, 0.010, "h1|fp32", true),
                                     record("trained-k16-s1", "trained k=16 (seed 1) · fp32", 400000, 0.010, "h1|fp32"),
                                     record("int8", "int8", 100000, 0.011, "h1|int8"),
                                     record("int4", "int4", 50000, 0.014, "h1|int4"),
                                     record("int6", "int6", 80000, 0.020, "h1|int6"),  // dominated by int4
                                     record("ternary", "ternary", 20000, 0.080, "h1|ternary")};  // worse than the mean image
    chart.setData(all, &all[2], QString(), 10, mean);
    // Identical weights: one point, both names.
    QCOMPARE(chart.pointCount(), 5);
    const QString merged = chart.tooltipFor("trained-k16-s1");
    QVERIFY2(merged.contains("FP32") && merged.contains("trained k=16 (seed 1) · fp32"), qPrintable(merged));
    QCOMPARE(merged, chart.tooltipFor("fp32"));
    // Worse than the mean image: drawn apart, never on the front, though it is the smallest.
    QCOMPARE(chart.worseKeys(), QStringList{"ternary"});
    QCOMPARE(chart.frontKeys(), (QStringList{"int4", "int8", "fp32"}));
    QVERIFY(chart.tooltipFor("ternary").contains("no better than the mean image"));
    // Named on the chart: the current point and the front only, never overlapping.
    QCoreApplication::processEvents();
    const auto labels = chart.labelLayout();
    QStringList texts;
    for (const auto& [r, t] : labels) texts << t;
    QVERIFY2(texts.contains("int8") && texts.contains("int4") && texts.contains("FP32 = trained k=16 (seed 1) · fp32"), qPrintable(texts.join('|')));
    QVERIFY2(!texts.contains("int6") && !texts.contains("ternary"), qPrintable(texts.join('|')));
    for (int i = 0; i < labels.size(); ++i)
        for (int j = i + 1; j < labels.size(); ++j) QVERIFY(!labels[i].first.intersects(labels[j].first));
    // Hiding a group takes its points off the chart and off the front (the current one stays).
    chart.setHiddenGroups({"integer"});
    QCOMPARE(chart.frontKeys(), (QStringList{"int8", "fp32"}));
    QVERIFY(chart.tooltipFor("int4").isEmpty());
    // The legend lists every series that has points.
    chart.setHiddenGroups({});
    QStringList legend;
    for (const auto& [name, color] : chart.legendEntries()) legend << name;
    QVERIFY2(legend.contains("original") && legend.contains("no better than the mean image") && legend.contains("on the Pareto front") &&
                 legend.contains("current"),
             qPrintable(legend.join('|')));
}

void TestStudioTruth::everyConfigurationPinsAfterSweepAndGrid() {
    ui::MainWindow& w = *m_window;
    QVERIFY(showConfig(w, configOf("original", 16, 0, "int8")));
    QSignalSpy swept(w.controller(), &ui::StudioController::sweepEnded);
    QVERIFY(w.controller()->runSweep(w.chartsPanel()->sweepGrid()));
    QVERIFY(swept.wait(kLong));
    ui::LatentGridPanel* grid = w.latentGridPanel();
    grid->pcaBox()->setText("8");
    grid->trainedBox()->setChecked(false);
    grid->distilledBox()->setChecked(false);
    QSignalSpy gridDone(grid->job(), &ui::LatentGridJob::finished);
    QVERIFY(grid->run());
    QVERIFY(gridDone.wait(kLong));

    // Every configuration measured (slider, sweep, grid), pinned as A in turn.
    QStringList keys;
    for (const auto& c : w.controller()->configs()->all()) keys << c.key;
    QVERIFY(keys.size() >= 2 * static_cast<int>(w.chartsPanel()->sweepGrid().size()));
    const ui::StudioConfig other = configOf("original", 16, 0, "int8");
    const ui::StudioConfig other2 = configOf("original", 16, 0, "fp16");
    for (const QString& key : keys) {
        const ui::EvaluatedConfig* e = w.controller()->configs()->find(key);
        QVERIFY(e);
        const ui::StudioConfig config = e->config;
        QVERIFY2(showConfig(w, config), qPrintable(key));
        QVERIFY2(w.controller()->canPin(), qPrintable(key));
        w.controller()->pinCurrent();
        QVERIFY(w.controller()->pinned());
        const ui::StudioConfig next = config == other ? other2 : other;
        QVERIFY(showConfig(w, next));
        QTRY_VERIFY2_WITH_TIMEOUT(w.controller()->comparison(), qPrintable(key), kLong);
        QVERIFY2(w.metricsPanel()->text().contains("current − A"), qPrintable(key + ": " + w.metricsPanel()->text()));
        w.controller()->clearPin();
    }
}

void TestStudioTruth::hoverNamesAnyPoint() {
    ui::MainWindow& w = *m_window;
    w.chartsPanel()->showView(w.chartsPanel()->qualityPage());
    ui::QualityChart* chart = w.chartsPanel()->qualityChart();
    QTRY_VERIFY(chart->pointCount() > 10);
    QCoreApplication::processEvents();
    // A point not named on the chart (off the front) names itself under the mouse.
    // One with no other point within the hover radius, so the mouse names exactly it.
    const QStringList front = chart->frontKeys();
    const auto all = w.controller()->configs()->all();
    QString key;
    for (const auto& c : all) {
        if (front.contains(c.key) || chart->worseKeys().contains(c.key) || c.key == w.controller()->currentConfig().key()) continue;
        const QPoint at = chart->viewportPosition(c.key);
        if (at.isNull()) continue;
        bool alone = true;
        for (const auto& o : all)
            if (o.key != c.key && !chart->viewportPosition(o.key).isNull() && QLineF(at, chart->viewportPosition(o.key)).length() < 16 &&
                chart->viewportPosition(o.key) != at)
                alone = false;
        if (alone) key = c.key;
    }
    QVERIFY(!key.isEmpty());
    const QPoint at = chart->viewportPosition(key);
    QVERIFY(chart->viewport()->rect().contains(at));
    QTest::mouseMove(chart->viewport(), at);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString label = w.controller()->configs()->find(key)->label;
    QVERIFY2(QToolTip::text().contains(label.toHtmlEscaped()), qPrintable(QToolTip::text()));
    QVERIFY(!test::screenshot(&w, "truth-hover").isEmpty());
    // Away from every point: no tooltip.
    QTest::mouseMove(chart->viewport(), QPoint(2, 2));
    QTRY_VERIFY(!QToolTip::isVisible());
}

void TestStudioTruth::clearKeepsFp32() {
    ui::MainWindow& w = *m_window;
    QTest::mouseClick(w.chartsPanel()->clearButton(), Qt::LeftButton);
    const ui::EvaluatedConfigs* store = w.controller()->configs();
    QVERIFY(store->size() >= 1);
    QVERIFY(store->all().first().baseline);
    // The current configuration is measured again, so the panel is never left empty.
    QVERIFY(test::waitSettled(w, kLong));
    QVERIFY(store->size() <= 2);
    QTRY_VERIFY(w.chartsPanel()->qualityChart()->pointCount() >= 1);
}

QTEST_MAIN(TestStudioTruth)
#include "tst_studiotruth.moc"
