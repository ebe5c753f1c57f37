// SPDX-License-Identifier: Apache-2.0
#include "help/aboutdialog.h"

#include "help/appicon.h"

#include "common/threads.h"

#include <opencv2/core/version.hpp>
#include <torch/version.h>

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pareto::ui {
namespace {

QString readResource(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

QString AboutDialog::libraryVersions() {
    QStringList lines;
    const QString runningQt = QString::fromLatin1(qVersion());
    lines << (runningQt == QLatin1String(QT_VERSION_STR) ? QStringLiteral("Qt %1").arg(runningQt)
                                                         : QStringLiteral("Qt %1 (running %2)").arg(QLatin1String(QT_VERSION_STR), runningQt));
    lines << QStringLiteral("LibTorch %1").arg(QLatin1String(TORCH_VERSION));
    lines << QStringLiteral("OpenCV %1").arg(QLatin1String(CV_VERSION));
    lines << QStringLiteral("BLAS: %1").arg(QLatin1String(blasBackendName()));
    return lines.join(QLatin1Char('\n'));
}

QString AboutDialog::licenceText() { return readResource(QStringLiteral(":/help/LICENSE")); }

QString AboutDialog::thirdPartyText() {
    // The file's SPDX comment is for tools, not for the reader.
    QStringList lines = readResource(QStringLiteral(":/help/THIRD-PARTY.md")).split(QLatin1Char('\n'));
    lines.removeIf([](const QString& l) { return l.startsWith(QLatin1String("<!--")); });
    return lines.join(QLatin1Char('\n'));
}

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Pareto Studio"));
    auto* layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs);

    auto* about = new QWidget(m_tabs);
    auto* aboutLayout = new QVBoxLayout(about);
    auto* icon = new QLabel(about);
    icon->setPixmap(applicationIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignHCenter);
    aboutLayout->addWidget(icon);
    auto* title = new QLabel(tr("<h2>Pareto Studio %1</h2>").arg(QCoreApplication::applicationVersion().toHtmlEscaped()), about);
    title->setAlignment(Qt::AlignHCenter);
    aboutLayout->addWidget(title);
    auto* text = new QLabel(about);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setText(tr("Explore neural-network compression interactively: every size is bytes actually written, "
                     "every quality figure a held-out measurement with its 95 % CI.<br><br>"
                     "<b>Built with</b><br>%1<br><br>"
                     "Licensed under the Apache License 2.0 (the Licence tab). It links Qt, LibTorch, OpenCV and "
                     "other libraries under their own licences (the Third-party software tab); as it links Qt Charts, "
                     "which is GPL-3.0, this program as a whole may be distributed only under the GPL-3.0.")
                      .arg(libraryVersions().toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>"))));
    aboutLayout->addWidget(text);
    aboutLayout->addStretch();
    m_tabs->addTab(about, tr("About"));

    auto* licence = new QPlainTextEdit(m_tabs);
    licence->setObjectName(QStringLiteral("licenceText"));
    licence->setReadOnly(true);
    licence->setLineWrapMode(QPlainTextEdit::NoWrap);
    licence->setPlainText(licenceText());
    m_tabs->addTab(licence, tr("Licence"));

    auto* thirdParty = new QTextBrowser(m_tabs);
    thirdParty->setObjectName(QStringLiteral("thirdPartyText"));
    thirdParty->setOpenExternalLinks(true);
    thirdParty->setMarkdown(thirdPartyText());
    m_tabs->addTab(thirdParty, tr("Third-party software"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 560);
}

}  // namespace pareto::ui
