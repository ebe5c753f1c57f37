// SPDX-License-Identifier: Apache-2.0
#include "metrics/metricspanel.h"

#include "common/uiformat.h"
#include "session/evaluatedconfigs.h"
#include "session/ratiotext.h"
#include "session/studiocontroller.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include <limits>

namespace pareto::ui {

namespace {

constexpr Metric kRowMetrics[] = {Metric::Mse, Metric::Psnr, Metric::Ssim};

}  // namespace

MetricsPanel::MetricsPanel(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_size(new QLabel(this)),
      m_n(new QLabel(this)),
      m_progress(new QProgressBar(this)),
      m_table(new QWidget(this)),
      m_compare(new QLabel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    for (QLabel* l : {m_title, m_size, m_n, m_compare}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    for (QLabel* l : {m_title, m_size, m_n}) l->setTextFormat(Qt::PlainText);
    m_compare->setTextFormat(Qt::RichText);  // bold and line breaks; changes only when A does
    m_progress->setRange(0, 1000);
    m_progress->setMaximumHeight(8);
    m_progress->setTextVisible(false);

    m_table->setObjectName(QStringLiteral("metricsTable"));
    auto* grid = new QGridLayout(m_table);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(1);
    m_deltaPalette = m_table->palette();
    m_deltaPalette.setColor(QPalette::WindowText, QColor(0x55, 0x55, 0x55));
    m_crossesPalette = m_table->palette();
    m_crossesPalette.setColor(QPalette::WindowText, QColor(0x8a, 0x6d, 0x00));
    for (int i = 0; i < 3; ++i) {
        Row& r = m_rows[i];
        r.name = cell(grid, 2 * i, 0, metricTitle(kRowMetrics[i]));
        r.value = cell(grid, 2 * i, 1);
        r.delta = cell(grid, 2 * i + 1, 1);
        r.name->setPalette(m_deltaPalette);
        r.delta->setPalette(m_deltaPalette);
        grid->setAlignment(r.name, Qt::AlignTop | Qt::AlignLeft);
        // Wrapped at the spaces of "mean [lo, hi]" so a narrow dock keeps every figure in view.
        r.value->setWordWrap(true);
        r.delta->setWordWrap(true);
    }
    grid->setColumnStretch(1, 1);

    layout->addWidget(m_title);
    layout->addWidget(m_size);
    layout->addWidget(m_n);
    layout->addWidget(m_progress);
    layout->addWidget(m_table);
    layout->addWidget(m_compare);
    layout->addStretch(1);
    m_shownMse.mean = std::numeric_limits<double>::quiet_NaN();
    refresh();
}

QLabel* MetricsPanel::cell(QGridLayout* grid, int row, int column, const QString& text) {
    auto* l = new QLabel(text, m_table);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(l, row, column);
    return l;
}

void MetricsPanel::setController(StudioController* c) {
    m_controller = c;
    for (auto sig : {&StudioController::metricsChanged, &StudioController::previewChanged, &StudioController::configChanged,
                     &StudioController::comparisonChanged, &StudioController::pinnedChanged, &StudioController::sessionChanged})
        connect(c, sig, this, &MetricsPanel::refresh);
    refresh();
}

QString MetricsPanel::mseText() const { return m_mseText; }

QString MetricsPanel::text() const {
    QString table;
    if (!m_table->isHidden())
        for (const Row& r : m_rows)
            table += r.name->text() + QLatin1Char('\t') + r.value->text() + QLatin1Char('\t') + r.delta->text() + QLatin1Char('\n');
    return m_title->text() + QLatin1Char('\n') + m_size->text() + QLatin1Char('\n') + m_n->text() + QLatin1Char('\n') + table +
           m_compare->text();
}

void MetricsPanel::refresh() {
    m_shownMse = Estimate{};
    m_shownMse.mean = std::numeric_limits<double>::quiet_NaN();
    m_complete = false;
    m_mseText.clear();
    if (!m_controller || !m_controller->session()) {
        m_title->setText(tr("No configuration yet"));
        for (QLabel* l : {m_size, m_n, m_compare}) l->clear();
        m_progress->setVisible(false);
        m_table->setVisible(false);
        return;
    }
    const StudioConfig config = m_controller->currentConfig();
    m_title->setText(config.label());
    const PreviewResult* p = m_controller->lastPreview();
    const EvaluatedConfig* m = m_controller->currentMetrics();
    // Sizes against the original FP32 model: at another latent size that is what was shrunk.
    const qint64 originalBytes = m_controller->session()->info.fp32Bytes;
    const auto sizeText = [&](qint64 bytes, qint64 ownFp32Bytes, double bitsPerParam) {
        return tr("%1 stored · %2 · %3 bits/param")
            .arg(formatBytes(bytes), ratioText(bytes, originalBytes, ownFp32Bytes))
            .arg(bitsPerParam, 0, 'f', 2);
    };
    if (m) m_size->setText(sizeText(m->bytes, m->fp32Bytes, m->bitsPerParam));
    else if (p && p->key == config.key()) m_size->setText(sizeText(p->bytes, p->fp32Bytes, p->bitsPerParam));
    else if (m_controller->latentPending()) m_size->setText(tr("making the model at %1…").arg(latentLabel(config.latent)));
    else m_size->setText(tr("quantizing…"));
    const qint64 total = m_controller->session()->info.n;
    m_table->setVisible(true);
    if (!m) {
        m_n->setText(tr("Held-out metrics follow when the sliders rest (n = %1)").arg(total));
        m_progress->setVisible(false);
        // The rows stay (the panel does not jump); their figures say they are coming.
        for (Row& r : m_rows) {
            r.value->setText(QStringLiteral("…"));
            r.delta->setText(tr("Δ vs FP32 …"));
            r.delta->setPalette(m_deltaPalette);
        }
    } else {
        m_complete = m->complete;
        m_n->setText(m->complete ? tr("n = %1 held-out images, mean [95 % bootstrap CI]").arg(m->n)
                                 : tr("measuring… n = %1 of %2 so far, mean [95 % CI of those]").arg(m->n).arg(m->total));
        m_progress->setVisible(!m->complete);
        m_progress->setValue(m->total ? static_cast<int>(1000 * m->n / m->total) : 0);
        m_shownMse = m->mse;
        m_mseText = formatEstimate(m->mse, metricDigits(Metric::Mse));
        for (int i = 0; i < 3; ++i) {
            const Metric k = kRowMetrics[i];
            const DeltaEstimate& d = m->delta(k);
            const bool fp32 = m->baseline;
            const bool crosses = !fp32 && !d.significant;
            m_rows[i].value->setText(formatEstimate(m->metric(k), metricDigits(k)));
            m_rows[i].delta->setText(fp32 ? tr("Δ vs FP32: — (baseline)")
                                          : tr("Δ vs FP32 %1 (paired)%2")
                                                .arg(formatDelta(d, metricDigits(k), false), crosses ? tr(" · CI crosses 0") : QString()));
            // A palette change repaints; it does not lay the panel out again.
            m_rows[i].delta->setPalette(crosses ? m_crossesPalette : m_deltaPalette);
        }
    }
    const PinnedConfig* a = m_controller->pinned();
    if (!a) {
        m_compare->setText(QStringLiteral("<span style='color:#555'>%1</span>").arg(tr("Pin a configuration as A to compare it with the current one.")));
    } else if (const Comparison* c = m_controller->comparison()) {
        m_compare->setText(tr("<b>current − A</b> (A = %1), paired over n = %2:<br>ΔMSE %3<br>ΔPSNR (dB) %4<br>ΔSSIM %5")
                               .arg(a->record.label.toHtmlEscaped())
                               .arg(c->n)
                               .arg(formatDelta(c->mse, 4), formatDelta(c->psnr, 4), formatDelta(c->ssim, 3)));
    } else if (a->record.key == config.key()) {
        m_compare->setText(tr("A = %1 is the current configuration.").arg(a->record.label.toHtmlEscaped()));
    } else {
        m_compare->setText(tr("A = %1; %2").arg(a->record.label.toHtmlEscaped(), m_controller->comparisonPendingReason().toHtmlEscaped()));
    }
}

}  // namespace pareto::ui
