// SPDX-License-Identifier: Apache-2.0
#include "controls/latentcontrols.h"

#include "controls/labeledslider.h"
#include "session/studiocontroller.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>

#include <algorithm>
#include <cstdlib>

namespace pareto::ui {

LatentControls::LatentControls(QWidget* parent)
    : QGroupBox(tr("Latent dimension"), parent),
      m_method(new QComboBox(this)),
      m_slider(new LabeledSlider(this)),
      m_seed(new QComboBox(this)),
      m_seedLabel(new QLabel(tr("Seed"), this)),
      m_distillK(new QSpinBox(this)),
      m_distill(new QPushButton(tr("Distill at k"), this)),
      m_headline(new QLabel(this)),
      m_text(new QLabel(this)) {
    auto* form = new QFormLayout(this);
    m_method->setToolTip(tr("How models at other latent sizes are made"));
    m_method->setObjectName(QStringLiteral("latentMethodBox"));
    m_slider->slider()->setObjectName(QStringLiteral("latentSlider"));
    m_slider->slider()->setToolTip(tr("Latent size k"));
    m_seed->setObjectName(QStringLiteral("latentSeedBox"));
    m_seed->setToolTip(tr("Which seed's trained model the preview and the metrics use"));
    m_distillK->setObjectName(QStringLiteral("distillKBox"));
    m_distill->setObjectName(QStringLiteral("distillButton"));
    m_distill->setToolTip(tr("Fine-tune the PCA fold at k against this model's reconstructions and the data, in the background "
                             "(cancel in the status bar); the student is kept for the session"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("latentDescription"));
    // Wrapped text must not widen the dock (a long file name would push the sliders out of view).
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_headline->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_headline->setWordWrap(true);
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    big.setBold(true);
    m_headline->setFont(big);
    m_headline->setObjectName(QStringLiteral("latentHeadline"));
    auto* distillRow = new QHBoxLayout;
    distillRow->addWidget(m_distill);
    distillRow->addWidget(m_distillK);
    distillRow->addStretch(1);
    form->addRow(m_headline);
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("k"), m_slider);
    form->addRow(m_seedLabel, m_seed);
    form->addRow(QString(), distillRow);
    form->addRow(m_text);

    connect(m_method, &QComboBox::currentIndexChanged, this, &LatentControls::methodPicked);
    connect(m_slider->slider(), &QSlider::valueChanged, this, [this] {
        if (m_updating) return;
        fillSeeds(m_seed->currentData().toInt());
        emitChoice();
        followSliderK();
    });
    connect(m_seed, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) emitChoice();
    });
    connect(m_distill, &QPushButton::clicked, this, [this] { setChoice({LatentMethod::Distilled, m_distillK->value(), 0}); });
    setOptions({}, {});
}

void LatentControls::setController(StudioController* c) {
    m_controller = c;
    connect(this, &LatentControls::choiceChanged, c, &StudioController::setLatentChoice);
    connect(c, &StudioController::latentOptionsChanged, this, [this] { setOptions(m_controller->latentOptions(), m_controller->currentConfig().latent); });
    connect(c, &StudioController::configChanged, this, [this] {
        const LatentChoice now = m_controller->currentConfig().latent;
        if (now != choice()) setOptions(m_options, now);  // reverted, or set elsewhere
        followSliderK();
        refreshText();
    });
}

QSlider* LatentControls::slider() const { return m_slider->slider(); }

QString LatentControls::descriptionText() const { return m_text->text(); }
QString LatentControls::headlineText() const { return m_headline->text(); }

LatentChoice LatentControls::choice() const {
    LatentChoice c;
    c.method = static_cast<LatentMethod>(m_method->currentData().toInt());
    const LatentMethodOptions* o = m_options.find(c.method);
    const int i = m_slider->slider()->value();
    c.k = o && i >= 0 && i < o->ks.size() ? o->ks[i] : m_options.originalK;
    if (c.method == LatentMethod::Trained && m_seed->currentData().toInt() > 0)
        c.seed = static_cast<uint64_t>(m_seed->currentData().toInt());
    return c;
}

void LatentControls::setChoice(const LatentChoice& c) {
    m_updating = true;
    {
        const QSignalBlocker block(m_method);
        m_method->setCurrentIndex(std::max(0, m_method->findData(static_cast<int>(c.method))));
    }
    m_updating = false;
    showMethod(static_cast<int>(c.k), latentSeed(c));
    // A distilled k not made yet is asked for as it is: the provider starts its student.
    if (c.method == LatentMethod::Distilled && choice() != c) {
        Q_EMIT choiceChanged(c);
        return;
    }
    emitChoice();
}

void LatentControls::setOptions(const LatentOptions& options, const LatentChoice& current) {
    m_updating = true;
    m_options = options;
    {
        const QSignalBlocker block(m_method);
        m_method->clear();
        auto* model = qobject_cast<QStandardItemModel*>(m_method->model());
        for (const auto& m : options.methods) {
            const bool available = !m.ks.isEmpty() || m.onDemand;
            m_method->addItem(available ? latentMethodLabel(m.method) : tr("%1 (not available)").arg(latentMethodLabel(m.method)),
                              static_cast<int>(m.method));
            QStandardItem* item = model->item(m_method->count() - 1);
            item->setEnabled(available);
            item->setToolTip(available ? m.summary : m.unavailableReason);
        }
        m_method->setCurrentIndex(std::max(0, m_method->findData(static_cast<int>(current.method))));
    }
    const int L = options.originalK;
    m_distillK->setRange(1, std::max(1, L - 1));
    const LatentMethodOptions* dist = options.find(LatentMethod::Distilled);
    const bool canDistill = dist && dist->onDemand && L > 1;
    m_distill->setEnabled(canDistill);
    m_distillK->setEnabled(canDistill);
    m_distill->setToolTip(canDistill ? m_distill->toolTip() : (dist ? dist->unavailableReason : QString()));
    if (current.method != LatentMethod::Original && current.k < L) {
        const QSignalBlocker block(m_distillK);
        m_distillK->setValue(current.k);
    } else if (m_distillK->value() >= L || L != m_distillForL) {
        m_distillK->setValue(std::max(1, L / 2));  // a new model: half its latent, not the box's leftover
    }
    m_distillForL = L;
    // A model without a latent to reduce: the slider stays off and says why.
    const LatentMethodOptions* pca = options.find(LatentMethod::Pca);
    m_slider->slider()->setToolTip(L > 0 || !pca ? tr("Latent size k") : pca->unavailableReason);
    m_updating = false;
    showMethod(static_cast<int>(current.k), latentSeed(current));
    refreshText();
}

void LatentControls::followSliderK() {
    // "Distill at k" distils at the k the slider shows (the user may still type another).
    const int k = choice().k;
    if (k >= 1 && k < m_options.originalK) m_distillK->setValue(k);
}

void LatentControls::showMethod(int k, int seed) {
    m_updating = true;
    const auto method = static_cast<LatentMethod>(m_method->currentData().toInt());
    const LatentMethodOptions* o = m_options.find(method);
    QStringList labels;
    int index = 0, best = -1;
    if (o) {
        for (int i = 0; i < o->ks.size(); ++i) {
            labels << (o->ks[i] > 0 ? QString::number(o->ks[i]) : QString());  // 0: a model without a latent
            // The same k if the method has it, else the nearest one.
            const int d = std::abs(o->ks[i] - k);
            if (best < 0 || d < best) {
                best = d;
                index = i;
            }
        }
    }
    {
        const QSignalBlocker block(m_slider->slider());
        m_slider->setLabels(labels);
        m_slider->slider()->setValue(index);
    }
    m_slider->slider()->setEnabled(labels.size() > 1);
    fillSeeds(seed);
    const bool trained = method == LatentMethod::Trained;
    m_seed->setVisible(trained);
    m_seedLabel->setVisible(trained);
    m_updating = false;
}

void LatentControls::fillSeeds(int seed) {
    const bool was = m_updating;
    m_updating = true;
    const QSignalBlocker block(m_seed);
    const auto method = static_cast<LatentMethod>(m_method->currentData().toInt());
    const LatentMethodOptions* o = m_options.find(method);
    const int i = m_slider->slider()->value();
    const int k = o && i >= 0 && i < o->ks.size() ? o->ks[i] : 0;
    const QVector<int> seeds = m_options.seedsAt(method, k);
    m_seed->clear();
    for (int s : seeds) m_seed->addItem(tr("seed %1").arg(s), s);
    // The same seed where there is one, else the lowest.
    m_seed->setCurrentIndex(std::max(0, m_seed->findData(seed)));
    m_seed->setEnabled(seeds.size() > 1);
    m_updating = was;
}

void LatentControls::methodPicked() {
    if (m_updating) return;
    const LatentChoice before = m_controller ? m_controller->currentConfig().latent : LatentChoice{};
    const auto method = static_cast<LatentMethod>(m_method->currentData().toInt());
    const LatentMethodOptions* o = m_options.find(method);
    if (method == LatentMethod::Distilled && o && o->ks.isEmpty()) {
        // Choosing "distilled" with no student yet makes one at the k of the Distill box.
        Q_EMIT choiceChanged({LatentMethod::Distilled, m_distillK->value(), std::nullopt});
        return;
    }
    showMethod(static_cast<int>(before.k), latentSeed(before));
    emitChoice();
}

void LatentControls::emitChoice() {
    const LatentChoice c = choice();
    const LatentMethodOptions* o = m_options.find(c.method);
    if (!o || o->ks.isEmpty()) return;
    if (c.method == LatentMethod::Trained && !c.seed) return;
    Q_EMIT choiceChanged(c);
}

void LatentControls::refreshText() {
    if (m_options.methods.isEmpty() || !m_controller) {
        m_headline->clear();
        m_text->setText(tr("Open a model to see its latent size."));
        return;
    }
    m_headline->setText(m_controller->latentHeadline());
    QString text = m_controller->latentDescription();
    if (m_controller->latentPending()) text = QStringLiteral("<i>%1</i><br>").arg(tr("Making the model at this latent size…")) + text;
    const auto method = static_cast<LatentMethod>(m_method->currentData().toInt());
    if (const LatentMethodOptions* o = m_options.find(method); o && !o->summary.isEmpty() && method != LatentMethod::Original)
        text += QStringLiteral("<br><span style='color:#555'>%1</span>").arg(o->summary.toHtmlEscaped());
    m_text->setText(text);
}

}  // namespace pareto::ui
