#include "data/datapanel.h"

#include "session/studiocontroller.h"

#include "common/resourcepaths.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace pareto::ui {

DataPanel::DataPanel(QWidget* parent)
    : QWidget(parent),
      m_spec(new QLineEdit(this)),
      m_split(new QComboBox(this)),
      m_limit(new QSpinBox(this)),
      m_apply(new QPushButton(tr("Apply"), this)),
      m_info(new QLabel(this)) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(6, 6, 6, 6);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_spec->setPlaceholderText(QStringLiteral("fashion-mnist[:DIR] | cifar10:DIR | folder:DIR"));
    m_spec->setToolTip(tr("Data spec: fashion-mnist[:DIR], cifar10:DIR or folder:DIR"));
    auto* demo = new QPushButton(tr("Demo data"), this);
    demo->setToolTip(tr("The embedded held-out Fashion-MNIST subset"));
    auto* folder = new QPushButton(tr("Folder…"), this);
    folder->setToolTip(tr("A folder of PNG/JPEG images (every image, sorted by name)"));
    form->addRow(tr("Spec"), m_spec);
    m_split->addItem(tr("default (test; folder: all)"), QString());
    for (const char* s : {"test", "val", "train", "all"}) m_split->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_limit->setRange(0, 10000000);
    m_limit->setSpecialValueText(tr("all images"));
    m_limit->setSuffix(tr(" images"));
    m_limit->setToolTip(tr("Keep the first N images of the split (all: no limit)"));
    m_limit->setPrefix(tr("first "));
    form->addRow(tr("Split"), m_split);
    form->addRow(tr("Limit"), m_limit);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(demo);
    buttons->addWidget(folder);
    buttons->addStretch(1);
    buttons->addWidget(m_apply);
    form->addRow(buttons);
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setText(tr("No data loaded."));
    form->addRow(m_info);
    m_apply->setObjectName(QStringLiteral("applyDataButton"));

    connect(m_apply, &QPushButton::clicked, this, &DataPanel::apply);
    connect(m_spec, &QLineEdit::returnPressed, this, &DataPanel::apply);
    connect(demo, &QPushButton::clicked, this, [this] {
        m_spec->setText(QString::fromStdString(demoDataSpec()));
        m_split->setCurrentIndex(0);
        m_limit->setValue(0);
        apply();
    });
    connect(folder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of images"));
        if (dir.isEmpty()) return;
        m_spec->setText(QStringLiteral("folder:") + dir);
        apply();
    });
}

void DataPanel::setController(StudioController* c) {
    m_controller = c;
    connect(c, &StudioController::sessionChanged, this, &DataPanel::showSession);
    connect(c, &StudioController::loadStarted, this, [this] { m_apply->setEnabled(false); });
    connect(c, &StudioController::loadEnded, this, [this] { m_apply->setEnabled(true); });
}

QString DataPanel::spec() const { return m_spec->text().trimmed(); }
QString DataPanel::split() const { return m_split->currentData().toString(); }
qint64 DataPanel::limit() const { return m_limit->value() == 0 ? -1 : m_limit->value(); }
QString DataPanel::text() const { return m_info->text(); }

void DataPanel::apply() {
    if (m_controller && !spec().isEmpty()) m_controller->setData(spec(), split(), limit());
}

void DataPanel::showSession() {
    const SessionPtr s = m_controller->session();
    if (!s) return;
    const SessionInfo& i = s->info;
    m_spec->setText(i.dataSpec);
    m_split->setCurrentIndex(std::max(0, m_split->findData(i.split)));
    m_limit->setValue(i.limit < 0 ? 0 : static_cast<int>(i.limit));
    QString text = tr("<b>n = %1</b> held-out images: %2").arg(i.n).arg(i.dataIdentity.toHtmlEscaped());
    for (const auto& n : i.dataNotes) text += QStringLiteral("<br>· ") + n.toHtmlEscaped();
    text += QStringLiteral("<br><span style='color:#555'>%1 %2</span>").arg(tr("Mean-image baseline:"), i.meanImageSource.toHtmlEscaped());
    m_info->setTextFormat(Qt::RichText);
    m_info->setText(text);
}

}  // namespace pareto::ui
