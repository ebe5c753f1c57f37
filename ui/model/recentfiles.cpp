// SPDX-License-Identifier: Apache-2.0
#include "model/recentfiles.h"

#include <QFileInfo>
#include <QSettings>

namespace pareto::ui {
namespace {

const QString kKey = QStringLiteral("recentFiles");

}  // namespace

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {}

QStringList RecentFiles::files() const {
    QStringList out;
    for (const QString& f : QSettings().value(kKey).toStringList())
        if (QFileInfo::exists(f) && !out.contains(f)) out << f;
    return out.mid(0, kMax);
}

void RecentFiles::add(const QString& path) {
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = QSettings().value(kKey).toStringList();
    list.removeAll(abs);
    list.prepend(abs);
    QSettings().setValue(kKey, list.mid(0, kMax));
    Q_EMIT changed(files());
}

void RecentFiles::clear() {
    QSettings().remove(kKey);
    Q_EMIT changed({});
}

}  // namespace pareto::ui
