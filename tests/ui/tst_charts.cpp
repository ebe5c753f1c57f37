// SPDX-License-Identifier: Apache-2.0
// The Charts panel: a full sweep fills the chart and the table, the Pareto front is core's
// paretoFront() over the evaluated configurations, tooltips name them, PSNR/SSIM can be
// chosen, per-layer sensitivity runs as a background job, and the chart (PNG, SVG) and the
// table (CSV) export atomically.
#include "studiofixture.h"
#include "testsupport.h"

#include "charts/chartspanel.h"
#include "charts/qualitychart.h"
#include "charts/sensitivitychart.h"
#include "mainwindow.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "compress/schemesweep.h"

#include <QComboBox>
#include <cmath>
#include <QFile>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace pareto;

class TestCharts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_window.reset(); }
    void sweepFillsChartAndTable();
    void metricSwitch();
    void exports();
    void sensitivityBars();

private:
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestCharts::initTestCase() {
    test::isolateSettings();
    m_window = std::make_unique<ui::MainWindow>();
    m_window->show();
    QVERIFY(test::openDemo(*m_window, 64));
}

void TestCharts::sweepFillsChartAndTable() {
    ui::MainWindow& w = *m_window;
    QSignalSpy ended(w.controller(), &ui::StudioController::sweepEnded);
    QTest::mouseClick(w.chartsPanel()->sweepButton(), Qt::LeftButton);
    QVERIFY(ended.wait(180000));
    QCOMPARE(ended.first().at(0).toInt(), static_cast<int>(defaultSweepSchemes().size()));
    const ui::EvaluatedConfigs* store = w.controller()->configs();
    QCOMPARE(store->size(), static_cast<int>(defaultSweepSchemes().size()) + 1);  // + FP32
    ui::QualityChart* chart = w.chartsPanel()->qualityChart();
    QTRY_COMPARE(chart->pointCount(), store->size());  // the chart redraws once per event-loop pass
    QCOMPARE(w.chartsPanel()->table()->model()->rowCount(), store->size());

    // Core's front over the configurations better than the mean image (the others never count).
    std::vector<std::pair<int64_t, double>> pts;
    const double meanImage = w.controller()->session()->info.meanImageMse.mean;
    for (const auto& c : store->all()) pts.emplace_back(c.bytes, c.mse.mean < meanImage ? c.mse.mean : std::nan(""));
    const std::vector<bool> front = paretoFront(pts);
    QStringList expected;
    std::vector<int> idx;
    for (int i = 0; i < store->size(); ++i)
        if (front[i]) idx.push_back(i);
    std::sort(idx.begin(), idx.end(), [&](int a, int b) { return store->all()[a].bytes < store->all()[b].bytes; });
    for (int i : idx) expected << store->all()[i].key;
    QCOMPARE(chart->frontKeys(), expected);
    // The smallest configuration better than the mean image is always on the front.
    const ui::EvaluatedConfig* smallest = nullptr;
    for (const auto& c : store->all())
        if (c.mse.mean < meanImage && (!smallest || c.bytes < smallest->bytes)) smallest = &c;
    QVERIFY(smallest);
    QCOMPARE(expected.first(), smallest->key);
    for (const QString& k : chart->worseKeys()) QVERIFY2(!expected.contains(k), qPrintable(k));

    const QString tip = chart->tooltipFor(QStringLiteral("nf4"));
    QVERIFY2(tip.contains("nf4") && tip.contains("MSE") && tip.contains("n = 64"), qPrintable(tip));
    QVERIFY(!test::screenshot(&w, "charts-after-sweep").isEmpty());
    QVERIFY(!test::screenshot(chart, "chart-quality-mse").isEmpty());
}

void TestCharts::metricSwitch() {
    ui::MainWindow& w = *m_window;
    ui::QualityChart* chart = w.chartsPanel()->qualityChart();
    w.chartsPanel()->metricBox()->setCurrentIndex(1);  // PSNR
    QCOMPARE(chart->metric(), ui::Metric::Psnr);
    // Higher is better now: the front is core's, with PSNR negated.
    const ui::EvaluatedConfigs* store = w.controller()->configs();
    std::vector<std::pair<int64_t, double>> pts;
    const double meanImage = w.controller()->session()->info.meanImagePsnr.mean;
    for (const auto& c : store->all()) pts.emplace_back(c.bytes, c.psnr.mean > meanImage ? -c.psnr.mean : std::nan(""));
    const std::vector<bool> front = paretoFront(pts);
    QCOMPARE(chart->frontKeys().size(), static_cast<int>(std::count(front.begin(), front.end(), true)));
    QVERIFY(chart->tooltipFor(QStringLiteral("int4")).contains("PSNR"));
    QVERIFY(!test::screenshot(chart, "chart-quality-psnr").isEmpty());
    w.chartsPanel()->metricBox()->setCurrentIndex(0);
}

void TestCharts::exports() {
    ui::MainWindow& w = *m_window;
    QTemporaryDir dir;
    const QString png = dir.filePath("chart.png"), svg = dir.filePath("chart.svg"), csv = dir.filePath("table.csv");
    QCOMPARE(w.chartsPanel()->exportView(png), QString());
    QCOMPARE(w.chartsPanel()->exportView(svg), QString());
    QCOMPARE(w.chartsPanel()->exportTable(csv), QString());
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 2 * w.chartsPanel()->qualityChart()->width());
    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QByteArray svgText = s.readAll();
    QVERIFY(svgText.contains("<svg") && svgText.contains("nf4"));
    QFile c(csv);
    QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(c.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), w.controller()->configs()->size() + 1);
    QVERIFY(lines[0].startsWith("configuration,scheme,latent,source,bytes"));
    // Numbers are written in full: the int4 row's MSE reads back bit-identical.
    const ui::EvaluatedConfig* int4 = w.controller()->configs()->find("int4");
    const QString row = lines.filter(QRegularExpression("^int4,")).value(0);
    QVERIFY2(!row.isEmpty(), qPrintable(lines.join('\n')));
    const QStringList header = lines[0].split(',');
    QCOMPARE(row.split(',').at(header.indexOf("mse_mean")).toDouble(), int4->mse.mean);
    QCOMPARE(row.split(',').at(header.indexOf("bytes")).toLongLong(), int4->bytes);
    // The headline ratio beside the own-FP32 one (the same here: the original model).
    QCOMPARE(row.split(',').at(header.indexOf("ratio_vs_original")).toDouble(), int4->ratioVsOriginal());
    // A file that cannot be written is an error naming it, and nothing half-written appears.
    const QString bad = dir.filePath("no/such/dir/table.csv");
    const QString err = w.chartsPanel()->exportTable(bad);
    QVERIFY2(err.contains(bad), qPrintable(err));
    QVERIFY(!QFile::exists(bad));
}

void TestCharts::sensitivityBars() {
    ui::MainWindow& w = *m_window;
    QSignalSpy changed(w.controller(), &ui::StudioController::sensitivityChanged);
    QTest::mouseClick(w.chartsPanel()->sensitivityButton(), Qt::LeftButton);
    QVERIFY(w.controller()->sensitivityRunning());
    QVERIFY(changed.wait(180000));
    const ui::SensitivityResult* r = w.controller()->sensitivity();
    QVERIFY(r);
    QCOMPARE(r->n, qint64(64));
    QCOMPARE(r->scheme, QStringLiteral("int8"));
    QCOMPARE(r->layers.size(), 12);  // 6 encoder convs, fc_mu, fc_logvar, decoder_input, 3 transposed convs
    QCOMPARE(w.chartsPanel()->sensitivityChart()->barCount(), 12);
    for (int i = 1; i < r->layers.size(); ++i)
        QVERIFY(r->layers[i - 1].deltaMse.estimate.mean >= r->layers[i].deltaMse.estimate.mean);
    QVERIFY(!test::screenshot(w.chartsPanel()->sensitivityChart(), "chart-sensitivity").isEmpty());
}

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
