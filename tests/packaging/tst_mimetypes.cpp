// SPDX-License-Identifier: Apache-2.0
// The MIME types the package declares, as a desktop resolves them (Qt reads the same
// shared-mime-info database): model files by name, and *.ts only when it is a TorchScript
// zip, so MPEG transport streams and Qt Linguist catalogues keep their own types.
#include <QDir>
#include <QFile>
#include <QMimeDatabase>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestMimeTypes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void resolvesFile_data();
    void resolvesFile();

private:
    QTemporaryDir m_dir;
};

void TestMimeTypes::initTestCase() {
    QVERIFY(m_dir.isValid());
    // One database of the system's definitions plus ours, as update-mime-database makes it
    // in /usr/share/mime once the package is installed (Qt stops at the first database that
    // knows a suffix, so a separate database of ours alone would hide the system's *.ts).
    const QString mime = m_dir.filePath(QStringLiteral("share/mime"));
    QVERIFY(QDir().mkpath(mime + "/packages"));
    const QDir system(QStringLiteral("/usr/share/mime/packages"));
    const QStringList systemXml = system.entryList({QStringLiteral("*.xml")}, QDir::Files);
    QVERIFY(systemXml.contains(QStringLiteral("freedesktop.org.xml")));
    for (const QString& f : systemXml) QVERIFY(QFile::copy(system.filePath(f), mime + "/packages/" + f));
    const QString xml = QStringLiteral(PARETO_SOURCE_DIR "/packaging/desktop/org.paretostudio.ParetoStudio.mime.xml");
    QVERIFY(QFile::copy(xml, mime + "/packages/org.paretostudio.ParetoStudio.xml"));
    QProcess update;
    update.start(QStringLiteral("update-mime-database"), {mime});
    QVERIFY2(update.waitForFinished(60000) && update.exitCode() == 0, update.readAllStandardError().constData());
    qputenv("XDG_DATA_DIRS", m_dir.filePath(QStringLiteral("share")).toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
}

void TestMimeTypes::resolvesFile_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("type");
    QByteArray zip("PK\x03\x04", 4);
    zip += QByteArray(60, '\0');
    QByteArray safetensors("\x10\0\0\0\0\0\0\0", 8);
    safetensors += "{\"__metadata__\":{}}";
    QByteArray mpegTs;
    for (int i = 0; i < 8; ++i) mpegTs += QByteArray(1, '\x47') + QByteArray(187, '\x11');
    const QByteArray linguist("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE TS>\n<TS version=\"2.1\" language=\"de\">\n</TS>\n");
    QTest::newRow("safetensors by name and header") << "w.safetensors" << safetensors << "application/x-safetensors";
    QTest::newRow("PyTorch .pt (zip)") << "model.pt" << zip << "application/x-pytorch";
    QTest::newRow("PyTorch .pth (legacy pickle)") << "model.pth" << QByteArray("\x80\x02}q\x00.", 6) << "application/x-pytorch";
    QTest::newRow("ONNX by name") << "model.onnx" << QByteArray("\x08\x07\x12\x04test", 8) << "application/x-onnx";
    QTest::newRow("TorchScript zip named .ts") << "model.ts" << zip << "application/x-torchscript";
    QTest::newRow("MPEG transport stream stays video") << "clip.ts" << mpegTs << "video/mp2t";
    QTest::newRow("Qt Linguist catalogue stays linguist") << "app_de.ts" << linguist << "text/vnd.trolltech.linguist";
}

void TestMimeTypes::resolvesFile() {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, type);
    const QString path = m_dir.filePath(name);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    QCOMPARE(QMimeDatabase().mimeTypeForFile(path).name(), type);
}

QTEST_GUILESS_MAIN(TestMimeTypes)
#include "tst_mimetypes.moc"
