// SPDX-License-Identifier: Apache-2.0
#include "data/datapanel.h"

#include "session/studiocontroller.h"

#include "common/resourcepaths.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointF>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>

namespace pareto::ui {

DataPanel::DataPanel(QWidget* parent)
    : QWidget(parent),
      m_spec(new QLineEdit(this)),
      m_split(new QComboBox(this)),
      m_limit(new QSpinBox(this)),
      m_apply(new QPushButton(tr("Apply"), this)),
      m_info(new QLabel(this)),
      m_shape(new QLineEdit(this)),
      m_inputRange(new QComboBox(this)),
      m_outputRange(new QComboBox(this)),
      m_inputInfo(new QLabel(this)) {
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

    // How a TorchScript or ONNX model is fed; built-in architectures know their own.
    m_shape->setObjectName(QStringLiteral("inputShapeEdit"));
    m_shape->setPlaceholderText(tr("automatic"));
    m_shape->setToolTip(tr("Model input shape C,H,W (TorchScript models, and ONNX graphs whose image size is dynamic). Automatic: the data's own shape if the model runs on it "
                           "(nothing is resized), else the one shape of 1 or 3 channels × 28…256 it runs on."));
    m_shape->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^\\s*(\\d+\\s*[,x×]\\s*){0,2}\\d*\\s*$")), m_shape));
    for (QComboBox* c : {m_inputRange, m_outputRange}) {
        c->addItem(QStringLiteral("[0, 1]"), QPointF(0.0, 1.0));
        c->addItem(QStringLiteral("[-1, 1]"), QPointF(-1.0, 1.0));
    }
    m_inputRange->setObjectName(QStringLiteral("inputRangeCombo"));
    m_outputRange->setObjectName(QStringLiteral("outputRangeCombo"));
    m_inputRange->setToolTip(tr("Values the model expects: images in [0, 1] are mapped linearly to this range"));
    m_outputRange->setToolTip(tr("Values the model returns: mapped linearly to [0, 1] before any metric, without clamping"));
    auto* ranges = new QHBoxLayout;
    ranges->addWidget(new QLabel(tr("in"), this));
    ranges->addWidget(m_inputRange);
    ranges->addWidget(new QLabel(tr("out"), this));
    ranges->addWidget(m_outputRange);
    ranges->addStretch(1);
    form->addRow(tr("Input shape"), m_shape);
    form->addRow(tr("Value range"), ranges);
    m_inputInfo->setWordWrap(true);
    m_inputInfo->setStyleSheet(QStringLiteral("color:#555"));
    form->addRow(m_inputInfo);
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
    connect(m_shape, &QLineEdit::returnPressed, this, &DataPanel::apply);
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

std::optional<ModelInput> DataPanel::modelInput() const {
    const auto shape = ModelInput::parseShape(m_shape->text());
    if (!shape) return std::nullopt;
    ModelInput in;
    in.shape = *shape;
    const QPointF i = m_inputRange->currentData().toPointF(), o = m_outputRange->currentData().toPointF();
    in.inputLo = i.x();
    in.inputHi = i.y();
    in.outputLo = o.x();
    in.outputHi = o.y();
    return in;
}

void DataPanel::apply() {
    if (!m_controller || spec().isEmpty()) return;
    const auto input = modelInput();
    if (!input) {
        m_inputInfo->setText(tr("Input shape must be C,H,W (three positive numbers), or empty for automatic."));
        m_shape->setFocus();
        return;
    }
    const bool inputChanged = *input != m_controller->modelInput();
    m_controller->setModelInput(*input);
    const SessionPtr s = m_controller->session();
    // The model settles its shape and ranges when it opens: new settings reopen it.
    if (inputChanged && s) m_controller->openModel(s->info.modelPath, spec(), split(), limit());
    else m_controller->setData(spec(), split(), limit());
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

    // TorchScript and ONNX models take these settings; built-in architectures know their own.
    const bool described = i.arch != QLatin1String("torchscript") && i.arch != QLatin1String("onnx");
    m_inputInfo->setText(described ? tr("%1 takes %2 in %3: its own, these settings apply to TorchScript and ONNX models.")
                                         .arg(i.description, i.inputShape, i.inputRange)
                                   : tr("The model runs on %1, values in %2, output in %3.").arg(i.inputShape, i.inputRange, i.outputRange));
}

}  // namespace pareto::ui
