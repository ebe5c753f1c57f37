// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QStringList>

namespace pareto::ui {

/// @brief The most recently opened checkpoints, kept in QSettings ("recentFiles"), newest
/// first, at most kMax, files that no longer exist left out. UI thread.
class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMax = 8;
    explicit RecentFiles(QObject* parent = nullptr);

    QStringList files() const;
    void add(const QString& path);
    void clear();

Q_SIGNALS:
    void changed(const QStringList& files);
};

}  // namespace pareto::ui
