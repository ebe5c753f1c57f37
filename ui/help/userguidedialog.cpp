// SPDX-License-Identifier: Apache-2.0
#include "help/userguidedialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pareto::ui {

UserGuideDialog::UserGuideDialog(QWidget* parent) : QDialog(parent), m_browser(new QTextBrowser(this)) {
    setWindowTitle(tr("Pareto Studio — User guide"));
    setObjectName(QStringLiteral("userGuideDialog"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setMarkdown(guideMarkdown());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser, 1);
    layout->addWidget(buttons);
    resize(820, 640);
}

QString UserGuideDialog::guideMarkdown() {
    QFile f(QStringLiteral(":/help/README.md"));
    if (!f.open(QIODevice::ReadOnly)) return tr("The user guide is not compiled into this build.");
    const QString all = QString::fromUtf8(f.readAll());
    const qsizetype start = all.indexOf(QStringLiteral("\n## The studio"));
    if (start < 0) return all;
    const qsizetype end = all.indexOf(QStringLiteral("\n## "), start + 4);
    return all.mid(start + 1, end < 0 ? -1 : end - start - 1);
}

}  // namespace pareto::ui
