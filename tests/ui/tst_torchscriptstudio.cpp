// SPDX-License-Identifier: Apache-2.0
// The studio opens TorchScript models of other architectures and sizes (made by real PyTorch,
// tests/fixtures/model_torchscript_zoo.py) offscreen: reconstructions at the model's own
// resolution, the bit-width slider paints an INT4 preview, the latent slider is off with its
// reason where there is no latent, distillation is offered only for trainable models.
#include "studiofixture.h"
#include "testsupport.h"

#include "controls/bitwidthstops.h"
#include "controls/controlspanel.h"
#include "controls/latentcontrols.h"
#include "data/datapanel.h"
#include "mainwindow.h"
#include "model/modelpanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "reconstruction/reconstructionpanel.h"
#include "session/studiocontroller.h"
#include "session/truststore.h"

#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QtTest>

using namespace pareto;

class TestTorchScriptStudio : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensAndPreviews_data();
    void opensAndPreviews();
};

void TestTorchScriptStudio::initTestCase() {
    test::isolateSettings();
    ui::TrustStore::setTrustAll(true);  // our own fixtures
}

void TestTorchScriptStudio::opensAndPreviews_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("shape");      // typed into the Data panel ("" = automatic)
    QTest::addColumn<QString>("shownShape");
    QTest::addColumn<bool>("latent");        // the latent slider has something to reduce
    QTest::newRow("conv VAE 1x28x28, BatchNorm") << "conv_vae28" << "" << "1x28x28" << true;
    QTest::newRow("forward-only RGB 32x32") << "ae_rgb32" << "" << "3x32x32" << false;
    QTest::newRow("spatial latent [8, 4, 4]") << "spatial_vae28" << "" << "1x28x28" << true;
    QTest::newRow("MLP VAE 1x28x28") << "mlp_vae28" << "" << "1x28x28" << true;
    QTest::newRow("fully convolutional 3x256x256") << "fcn256" << "3,256,256" << "3x256x256" << false;
}

void TestTorchScriptStudio::opensAndPreviews() {
    QFETCH(QString, name);
    QFETCH(QString, shape);
    QFETCH(QString, shownShape);
    QFETCH(bool, latent);
    const QString path = QDir(test::torchScriptZoo()).filePath(name + ".ts");
    QVERIFY2(QFile::exists(path), qPrintable(path));

    ui::MainWindow w;
    w.show();
    // The Data panel's input shape is what --input-shape is on the command line.
    auto* shapeEdit = w.dataPanel()->findChild<QLineEdit*>(QStringLiteral("inputShapeEdit"));
    QVERIFY(shapeEdit);
    shapeEdit->setText(shape);
    const auto input = w.dataPanel()->modelInput();
    QVERIFY(input);
    w.controller()->setModelInput(*input);
    w.openModel(path, test::demoSpec(), 24);
    QVERIFY(QTest::qWaitFor([&] { return w.controller()->session() && w.controller()->isSettled(); }, 180000));
    const ui::SessionInfo& info = w.controller()->session()->info;
    QCOMPARE(info.arch, QStringLiteral("torchscript"));
    QCOMPARE(info.inputShape, shownShape);
    QVERIFY2(w.modelPanel()->text().contains(shownShape), qPrintable(w.modelPanel()->text()));

    // Reconstructions at the model's own resolution (drawn scaled, nearest-neighbour).
    const ui::PreviewResult* p8 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p8);
    QVERIFY(!p8->samples.isEmpty());
    const QStringList dims = shownShape.split('x');
    QCOMPARE(p8->samples[0].compressed.width(), dims[2].toInt());
    QCOMPARE(p8->samples[0].compressed.height(), dims[1].toInt());
    const QImage int8 = p8->samples[0].compressed;

    // The bit-width slider paints an INT4 preview.
    QSlider* slider = w.controlsPanel()->bitWidthSlider();
    int int4 = -1;
    for (int i = 0; i < ui::bitWidthStops().size(); ++i)
        if (ui::bitWidthStops().at(i).label == QStringLiteral("INT4")) int4 = i;
    QVERIFY(int4 >= 0);
    slider->setValue(int4);
    QVERIFY(test::waitSettled(w, 180000));
    const ui::PreviewResult* p4 = w.reconstructionPanel()->grid()->preview();
    QVERIFY(p4);
    QVERIFY(QString::fromStdString(p4->config.scheme.toString()).startsWith(QStringLiteral("int4")));
    QVERIFY2(p4->samples[0].compressed != int8, "INT4 preview has the same pixels as INT8");
    QVERIFY(w.controller()->previewError().isEmpty());

    // The latent slider: off with the reason when there is no latent; never a distillation
    // for a TorchScript program (it is not trainable here).
    ui::LatentControls* lc = w.controlsPanel()->latentControls();
    if (!latent) {
        QVERIFY(!lc->slider()->isEnabled());
        QVERIFY2(lc->descriptionText().contains(QStringLiteral("forward-only")), qPrintable(lc->descriptionText()));
        QVERIFY2(lc->slider()->toolTip().contains(QStringLiteral("forward-only")), qPrintable(lc->slider()->toolTip()));
    } else {
        QVERIFY2(!lc->descriptionText().contains(QStringLiteral("slider is off")), qPrintable(lc->descriptionText()));
    }
    QVERIFY(!lc->distillButton()->isEnabled());
    QVERIFY2(!lc->distillButton()->toolTip().isEmpty(), "the disabled Distill button says why");
    QVERIFY(!test::screenshot(&w, "torchscript-" + name).isEmpty());
}

QTEST_MAIN(TestTorchScriptStudio)
#include "tst_torchscriptstudio.moc"
