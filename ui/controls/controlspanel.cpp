// SPDX-License-Identifier: Apache-2.0
#include "controls/controlspanel.h"

#include "controls/labeledslider.h"
#include "controls/latentcontrols.h"
#include "session/studiocontroller.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace pareto::ui {

ControlsPanel::ControlsPanel(QWidget* parent)
    : QWidget(parent),
      m_bits(new LabeledSlider(this)),
      m_schemeTitle(new QLabel(this)),
      m_schemeText(new QLabel(this)),
      m_schemeCode(new QLabel(this)),
      m_granularity(new QComboBox(this)),
      m_groupSize(new QComboBox(this)),
      m_range(new QComboBox(this)),
      m_clip(new QComboBox(this)),
      m_percentile(new QDoubleSpinBox(this)),
      m_latentControls(new LatentControls(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* weights = new QGroupBox(tr("Weights"), this);
    auto* wl = new QVBoxLayout(weights);
    QFont big = m_schemeTitle->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_schemeTitle->setFont(big);
    m_schemeText->setWordWrap(true);
    for (QLabel* l : {m_schemeText, m_schemeCode}) {
        l->setTextFormat(Qt::PlainText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    QPalette grey = m_schemeCode->palette();
    grey.setColor(QPalette::WindowText, QColor(0x55, 0x55, 0x55));
    m_schemeCode->setPalette(grey);
    QStringList ticks;
    for (const auto& s : bitWidthStops()) ticks << s.tick;
    m_bits->setLabels(ticks);
    m_bits->slider()->setObjectName(QStringLiteral("bitWidthSlider"));
    m_bits->slider()->setToolTip(tr("Weight precision: drag, or use the arrow keys"));
    wl->addWidget(m_schemeTitle);
    wl->addWidget(m_bits);
    wl->addWidget(m_schemeText);
    wl->addWidget(m_schemeCode);

    auto* form = new QFormLayout;
    m_granularity->addItem(tr("per output channel"), static_cast<int>(Granularity::PerChannel));
    m_granularity->addItem(tr("per tensor"), static_cast<int>(Granularity::PerTensor));
    m_granularity->addItem(tr("group-wise"), static_cast<int>(Granularity::Group));
    for (int g : {32, 64, 128}) m_groupSize->addItem(QString::number(g), g);
    m_groupSize->setCurrentIndex(1);
    m_range->addItem(tr("symmetric"), true);
    m_range->addItem(tr("asymmetric (zero-point)"), false);
    m_clip->addItem(tr("min-max"), static_cast<int>(ClipMethod::MinMax));
    m_clip->addItem(tr("percentile of |w|"), static_cast<int>(ClipMethod::Percentile));
    m_clip->addItem(tr("MSE-optimal search"), static_cast<int>(ClipMethod::Mse));
    m_percentile->setRange(90.0, 100.0);
    m_percentile->setDecimals(3);
    m_percentile->setSingleStep(0.01);
    m_percentile->setValue(99.99);
    m_percentile->setSuffix(QStringLiteral(" %"));
    auto* clipRow = new QHBoxLayout;
    clipRow->addWidget(m_clip, 1);
    clipRow->addWidget(m_percentile);
    form->addRow(tr("Granularity"), m_granularity);
    form->addRow(tr("Group / block"), m_groupSize);
    form->addRow(tr("Range"), m_range);
    form->addRow(tr("Clip"), clipRow);
    wl->addLayout(form);
    layout->addWidget(weights);

    layout->addWidget(m_latentControls);
    layout->addStretch(1);

    m_bits->slider()->setValue(stopIndexFor(QuantScheme::integer(8)));
    connect(m_bits->slider(), &QSlider::valueChanged, this, &ControlsPanel::emitScheme);
    for (QComboBox* box : {m_granularity, m_groupSize, m_range, m_clip})
        connect(box, &QComboBox::currentIndexChanged, this, &ControlsPanel::emitScheme);
    connect(m_percentile, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::emitScheme);
    refreshLabels();
}

void ControlsPanel::setController(StudioController* c) {
    m_controller = c;
    connect(this, &ControlsPanel::schemeChanged, c, &StudioController::setScheme);
    m_latentControls->setController(c);
    connect(c, &StudioController::sessionChanged, this, [this] {
        const bool ok = m_controller->session() && m_controller->session()->info.quantizable;
        setEnabled(ok);
        setToolTip(ok ? QString() : tr("This model's architecture cannot be quantized yet"));
        // A new session starts from what the sliders show.
        m_controller->setScheme(scheme());
    });
    c->setScheme(scheme());
}

QSlider* ControlsPanel::bitWidthSlider() const { return m_bits->slider(); }
QSlider* ControlsPanel::latentSlider() const { return m_latentControls->slider(); }
QComboBox* ControlsPanel::latentMethodBox() const { return m_latentControls->methodBox(); }

QuantScheme ControlsPanel::scheme() const {
    SchemeOptions o;
    o.granularity = static_cast<Granularity>(m_granularity->currentData().toInt());
    o.groupSize = m_groupSize->currentData().toInt();
    o.symmetric = m_range->currentData().toBool();
    o.clip = static_cast<ClipMethod>(m_clip->currentData().toInt());
    o.percentile = m_percentile->value();
    return schemeForStop(m_bits->slider()->value(), o);
}

void ControlsPanel::setScheme(const QuantScheme& s) {
    const int stop = stopIndexFor(s);
    if (stop < 0) return;
    {
        m_updating = true;
        const QSignalBlocker b0(m_bits->slider()), b1(m_granularity), b2(m_groupSize), b3(m_range), b4(m_clip), b5(m_percentile);
        m_bits->slider()->setValue(stop);
        const SchemeOptions o = optionsOf(s);
        if (s.kind == QuantKind::Integer || s.kind == QuantKind::Ternary)
            m_granularity->setCurrentIndex(std::max(0, m_granularity->findData(static_cast<int>(o.granularity))));
        if (s.kind == QuantKind::Integer || s.kind == QuantKind::NF4) {
            int gi = m_groupSize->findData(static_cast<int>(o.groupSize));
            if (gi < 0) {
                m_groupSize->addItem(QString::number(o.groupSize), static_cast<int>(o.groupSize));
                gi = m_groupSize->count() - 1;
            }
            m_groupSize->setCurrentIndex(gi);
        }
        if (s.kind == QuantKind::Integer) {
            m_range->setCurrentIndex(o.symmetric ? 0 : 1);
            m_clip->setCurrentIndex(std::max(0, m_clip->findData(static_cast<int>(o.clip))));
            m_percentile->setValue(o.percentile);
        }
        m_updating = false;
    }
    m_bits->update();
    emitScheme();
}

void ControlsPanel::emitScheme() {
    if (m_updating) return;
    refreshLabels();
    Q_EMIT schemeChanged(scheme());
}

void ControlsPanel::refreshLabels() {
    updateEnabled();
    const QuantScheme s = scheme();
    m_schemeTitle->setText(bitWidthStops().at(m_bits->slider()->value()).label);
    m_schemeText->setText(describeScheme(s));
    m_schemeCode->setText(tr("scheme %1").arg(QString::fromStdString(s.toString())));
}

void ControlsPanel::updateEnabled() {
    const QuantKind kind = bitWidthStops().at(m_bits->slider()->value()).kind;
    const bool integer = kind == QuantKind::Integer;
    const bool group = integer && static_cast<Granularity>(m_granularity->currentData().toInt()) == Granularity::Group;
    m_granularity->setEnabled(integer || kind == QuantKind::Ternary);
    m_groupSize->setEnabled(group || kind == QuantKind::NF4);
    m_range->setEnabled(integer);
    m_clip->setEnabled(integer);
    m_percentile->setEnabled(integer && static_cast<ClipMethod>(m_clip->currentData().toInt()) == ClipMethod::Percentile);
    const QString na = tr("Not used by %1").arg(bitWidthStops().at(m_bits->slider()->value()).label);
    m_granularity->setToolTip(m_granularity->isEnabled() ? tr("Where scales are shared") : na);
    m_groupSize->setToolTip(m_groupSize->isEnabled() ? tr("Weights per scale (groups; NF4 blocks)") : na);
    m_range->setToolTip(m_range->isEnabled() ? tr("Symmetric: restricted range ±(2^(b-1)-1); asymmetric stores a zero-point") : na);
    m_clip->setToolTip(m_clip->isEnabled() ? tr("How the quantization range is chosen") : na);
}

LatentChoice ControlsPanel::latentChoice() const { return m_latentControls->choice(); }

void ControlsPanel::setConfig(const StudioConfig& config) {
    if (config.latent != m_latentControls->choice()) m_latentControls->setChoice(config.latent);
    setScheme(config.scheme);
}

}  // namespace pareto::ui
