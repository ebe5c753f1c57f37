// SPDX-License-Identifier: Apache-2.0
#include "charts/chartspanel.h"

#include "charts/chartexport.h"
#include "charts/configtablemodel.h"
#include "charts/qualitychart.h"
#include "charts/sensitivitychart.h"
#include "controls/bitwidthstops.h"
#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "compress/schemesweep.h"

#include <QComboBox>
#include <QLabel>
#include <QScrollArea>
#include <QFileDialog>
#include "common/flowlayout.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QMenu>
#include <QToolButton>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace pareto::ui {

ChartsPanel::ChartsPanel(QWidget* parent)
    : QWidget(parent),
      m_metric(new QComboBox(this)),
      m_grid(new QComboBox(this)),
      m_sweep(new QPushButton(tr("Run sweep"), this)),
      m_sensitivityButton(new QPushButton(tr("Layer sensitivity"), this)),
      m_tabs(new QTabWidget(this)),
      m_quality(new QualityChart(this)),
      m_legend(new QLabel(this)),
      m_clear(new QPushButton(tr("Clear"), this)),
      m_sensitivity(new SensitivityChart(this)),
      m_table(new QTableView(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new FlowLayout;  // wraps on a narrow window instead of widening it
    for (Metric m : {Metric::Mse, Metric::Psnr, Metric::Ssim}) m_metric->addItem(metricTitle(m), static_cast<int>(m));
    m_metric->setToolTip(tr("Quality figure plotted and used for the Pareto front"));
    m_grid->addItem(tr("default grid (%1)").arg(defaultSweepSchemes().size()), 0);
    m_grid->addItem(tr("all slider stops"), 1);
    m_grid->setToolTip(tr("Default: the schemes `pareto sweep` measures. All slider stops: FP16 … ternary with the current options."));
    m_sweep->setObjectName(QStringLiteral("sweepButton"));
    m_sweep->setToolTip(tr("Measure every scheme of the grid on the held-out images, in the background"));
    m_sensitivityButton->setObjectName(QStringLiteral("sensitivityButton"));
    m_sensitivityButton->setToolTip(tr("Quantize one layer at a time with the current scheme and measure ΔMSE (first 256 held-out images)"));
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    QAction* exportChart = exportMenu->addAction(tr("Visible chart as PNG or SVG…"));
    QAction* exportTable = exportMenu->addAction(tr("Table of configurations as CSV…"));
    exportButton->setMenu(exportMenu);
    // Show or hide points by latent method and by scheme family (the front follows what is shown).
    auto* showButton = new QToolButton(this);
    showButton->setText(tr("Show"));
    showButton->setObjectName(QStringLiteral("chartShowButton"));
    showButton->setToolTip(tr("Which configurations the chart draws: by latent method and by scheme family"));
    showButton->setPopupMode(QToolButton::InstantPopup);
    auto* showMenu = new QMenu(showButton);
    const auto addToggle = [this, showMenu](const QString& text, const QString& group) {
        QAction* a = showMenu->addAction(text);
        a->setCheckable(true);
        a->setChecked(true);
        a->setData(group);
        connect(a, &QAction::toggled, this, [this, group](bool on) {
            QSet<QString> hidden = m_quality->hiddenGroups();
            if (on) hidden.remove(group);
            else hidden.insert(group);
            m_quality->setHiddenGroups(hidden);
            refreshLegend();
        });
        m_showActions << a;
    };
    showMenu->addSection(tr("Latent"));
    for (LatentMethod m : {LatentMethod::Original, LatentMethod::Pca, LatentMethod::Trained, LatentMethod::Distilled})
        addToggle(latentMethodLabel(m), latentMethodKey(m));
    showMenu->addSection(tr("Scheme family"));
    addToggle(tr("FP32 / FP16 / BF16"), QStringLiteral("float"));
    addToggle(tr("integer (INT2 … INT8)"), QStringLiteral("integer"));
    addToggle(tr("NF4"), QStringLiteral("nf4"));
    addToggle(tr("ternary"), QStringLiteral("ternary"));
    showButton->setMenu(showMenu);
    m_clear->setObjectName(QStringLiteral("chartClearButton"));
    m_clear->setToolTip(tr("Forget the measured configurations; the opened model's FP32 point stays"));
    bar->addWidget(m_metric);
    bar->addWidget(m_grid);
    bar->addWidget(m_sweep);
    bar->addWidget(m_sensitivityButton);
    bar->addStretch();
    bar->addWidget(showButton);
    bar->addWidget(m_clear);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    layout->addWidget(m_tabs, 1);
    // The chart and its legend (a label that wraps: it never elides a series' name).
    m_qualityPage = new QWidget(this);
    auto* page = new QVBoxLayout(m_qualityPage);
    page->setContentsMargins(0, 0, 0, 0);
    page->setSpacing(0);
    page->addWidget(m_quality, 1);
    m_legend->setObjectName(QStringLiteral("chartLegend"));
    m_legend->setWordWrap(true);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setContentsMargins(8, 2, 8, 2);
    page->addWidget(m_legend);
    // A wrapped legend asks for its lines' height: box layouts only honour minimum heights.
    m_legend->installEventFilter(this);
    m_tabs->addTab(m_qualityPage, tr("Quality vs size"));
    // Taller than the panel with many layers (every bar named): it scrolls.
    m_sensitivityPage = new QScrollArea(this);
    m_sensitivityPage->setWidgetResizable(true);
    m_sensitivityPage->setFrameShape(QFrame::NoFrame);
    m_sensitivityPage->setWidget(m_sensitivity);
    m_tabs->addTab(m_sensitivityPage, tr("Layer sensitivity"));
    m_tabs->addTab(m_table, tr("Table"));
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setToolTip(tr("Double-click a row to put its configuration on the sliders"));

    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        m_quality->setMetric(metric());
        if (m_model) m_model->setMetric(metric());
        refresh();  // at once: an export right after the change must show the new metric
    });
    connect(exportChart, &QAction::triggered, this, &ChartsPanel::exportViewDialog);
    connect(exportTable, &QAction::triggered, this, &ChartsPanel::exportTableDialog);
}

void ChartsPanel::setController(StudioController* c) {
    m_controller = c;
    m_model = new ConfigTableModel(c->configs(), this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(Qt::UserRole);
    m_table->setModel(proxy);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_table, &QTableView::doubleClicked, this, [this, proxy](const QModelIndex& index) {
        const QString key = m_model->keyAt(proxy->mapToSource(index).row());
        if (const EvaluatedConfig* e = m_controller->configs()->find(key)) Q_EMIT configActivated(e->config);
    });
    connect(c->configs(), &EvaluatedConfigs::changed, this, &ChartsPanel::scheduleRefresh);
    for (auto sig : {&StudioController::metricsChanged, &StudioController::configChanged, &StudioController::pinnedChanged,
                     &StudioController::sessionChanged})
        connect(c, sig, this, &ChartsPanel::scheduleRefresh);
    connect(m_sweep, &QPushButton::clicked, this, [this] {
        if (m_controller->sweepRunning()) m_controller->cancelSweep();
        else m_controller->runSweep(sweepGrid());
    });
    connect(c, &StudioController::sweepStarted, this, [this] {
        m_sweep->setText(tr("Cancel sweep"));
        m_tabs->setCurrentWidget(m_qualityPage);
    });
    connect(c, &StudioController::sweepEnded, this, [this] { m_sweep->setText(tr("Run sweep")); });
    connect(m_clear, &QPushButton::clicked, c, &StudioController::clearMeasured);
    connect(m_sensitivityButton, &QPushButton::clicked, this, [this] {
        if (m_controller->sensitivityRunning()) m_controller->cancelSensitivity();
        else m_controller->measureSensitivity(m_controller->currentConfig().scheme);
    });
    connect(c, &StudioController::sensitivityStarted, this, [this](const QString& scheme) {
        m_sensitivityButton->setText(tr("Cancel sensitivity"));
        m_sensitivity->setResult(nullptr, tr("Measuring each layer quantized alone with %1…").arg(scheme));
        m_tabs->setCurrentWidget(m_sensitivityPage);
    });
    connect(c, &StudioController::sensitivityEnded, this, [this] { m_sensitivityButton->setText(tr("Layer sensitivity")); });
    connect(c, &StudioController::sensitivityChanged, this, [this] {
        if (const SensitivityResult* r = m_controller->sensitivity()) m_sensitivity->setResult(r);
        else m_sensitivity->setResult(nullptr, tr("Press “Layer sensitivity” to measure each layer quantized alone with the current scheme."));
    });
    refresh();
}

int ChartsPanel::addView(const QString& title, QWidget* view) { return m_tabs->addTab(view, title); }
void ChartsPanel::showView(QWidget* view) { m_tabs->setCurrentWidget(view); }

Metric ChartsPanel::metric() const { return static_cast<Metric>(m_metric->currentData().toInt()); }

std::vector<QuantScheme> ChartsPanel::sweepGrid() const {
    std::vector<QuantScheme> out;
    if (m_grid->currentData().toInt() == 0) {
        for (const auto& s : defaultSweepSchemes()) {
            auto parsed = QuantScheme::parse(s);
            if (parsed) out.push_back(*parsed);
        }
        return out;
    }
    const SchemeOptions options = optionsOf(m_controller ? m_controller->currentConfig().scheme : QuantScheme::integer(8));
    for (int i = 1; i < bitWidthStops().size(); ++i) out.push_back(schemeForStop(i, options));  // FP32 is the baseline row
    return out;
}

void ChartsPanel::scheduleRefresh() {
    if (m_refreshPending) return;
    m_refreshPending = true;
    QTimer::singleShot(0, this, &ChartsPanel::refresh);
}

void ChartsPanel::refresh() {
    m_refreshPending = false;
    if (!m_controller) return;
    const EvaluatedConfigs* store = m_controller->configs();
    const PinnedConfig* a = m_controller->pinned();
    const qint64 n = m_controller->session() ? m_controller->session()->info.n : 0;
    const EvaluatedConfig* current = m_controller->currentMetrics();
    // Dragging across configurations not measured yet changes nothing on the chart: skip the
    // rebuild and repaint, the cores are busy with previews.
    QString shown = QStringLiteral("%1|%2|%3|%4|%5|").arg(static_cast<int>(metric())).arg(n).arg(a ? a->record.key : QString());
    shown = shown.arg(current ? current->key : QString()).arg(current ? current->n : -1);
    for (const auto& c : store->all()) shown += c.key + QLatin1Char(':') + QString::number(c.n) + QLatin1Char(';');
    if (shown != m_shown) {
        m_shown = shown;
        m_quality->setData(store->all(), current, a ? a->record.key : QString(), n, store->meanImage());
        refreshLegend();
    }
    m_model->setCurrentKey(m_controller->currentConfig().key());
    const bool quantizable = m_controller->session() && m_controller->session()->info.quantizable;
    m_sweep->setEnabled(quantizable);
    m_sensitivityButton->setEnabled(quantizable);
}

bool ChartsPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_legend && event->type() == QEvent::Resize) {
        const int need = m_legend->heightForWidth(m_legend->width());
        if (need > 0 && need != m_legend->minimumHeight()) m_legend->setMinimumHeight(need);
    }
    return QWidget::eventFilter(watched, event);
}

void ChartsPanel::refreshLegend() {
    QStringList parts;
    for (const auto& [name, color] : m_quality->legendEntries())
        parts << QStringLiteral("<span style='color:%1'>&#9679;</span>&nbsp;%2").arg(color.name(), name.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    const int hidden = static_cast<int>(m_quality->hiddenGroups().size());
    if (hidden) parts << QStringLiteral("<i>%1</i>").arg(tr("%n group(s) hidden", nullptr, hidden));
    parts << QStringLiteral("<span style='color:#666'>%1</span>").arg(tr("named: current, A and the front; hover a point for the rest"));
    m_legend->setText(parts.join(QStringLiteral(" &nbsp; ")));
    if (m_legend->width() > 0) m_legend->setMinimumHeight(m_legend->heightForWidth(m_legend->width()));
}

QString ChartsPanel::exportView(const QString& path) {
    const QString err = exportWidget(m_tabs->currentWidget(), path, m_tabs->tabText(m_tabs->currentIndex()));
    Q_EMIT exported(path, err);
    return err;
}

QString ChartsPanel::tableCsv() const {
    const EvaluatedConfigs* s = m_controller->configs();
    return configTableCsv(s->all(), s->paretoFlags(Metric::Mse), s->paretoFlags(Metric::Psnr), s->paretoFlags(Metric::Ssim));
}

QString ChartsPanel::exportTable(const QString& path) {
    const QString err = writeTextFile(path, tableCsv());
    Q_EMIT exported(path, err);
    return err;
}

void ChartsPanel::exportViewDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), QStringLiteral("chart.png"), tr("PNG image (*.png);;SVG image (*.svg)"));
    if (!path.isEmpty()) exportView(path);
}

void ChartsPanel::exportTableDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QStringLiteral("configurations.csv"), tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportTable(path);
}

}  // namespace pareto::ui
