// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace pareto::ui {

/// How serious a finding is.
enum class Severity { Info, Warning, Error };

/// @brief One line of a live group (see WarningsPanel::setLive).
struct LiveFinding {
    Severity severity = Severity::Info;
    QString message;
    bool operator==(const LiveFinding& o) const { return severity == o.severity && message == o.message; }
};

/// @brief The list of non-fatal findings and load errors: an untrained-looking model, a
/// checkpoint that would not open, data conversions, quantizer findings. Never a modal
/// dialog. A finding already listed is not repeated: its count goes up. Live groups (e.g. the
/// Jetson check of the configuration on the sliders) are listed beside the findings and are
/// replaced, not appended, each time their owner re-evaluates. UI thread only.
class WarningsPanel : public QWidget {
    Q_OBJECT
public:
    explicit WarningsPanel(QWidget* parent = nullptr);

    void add(Severity severity, const QString& source, const QString& message);
    /// Replaces the live group `source` by `findings` (none: the group disappears).
    void setLive(const QString& source, const QVector<pareto::ui::LiveFinding>& findings);
    void clear();

    /// Findings listed (live groups not counted).
    int count() const;
    /// "source: message" of every entry, live groups first, then the oldest first (for tests and the report).
    QStringList messages() const;
    /// "message" of the live group `source`, in order.
    QStringList liveMessages(const QString& source) const;

Q_SIGNALS:
    /// The number of entries changed (MainWindow shows it in the dock's title).
    void countChanged(int count, int errors);

private:
    QTreeWidgetItem* makeItem(Severity severity, const QString& source, const QString& message);
    void announce();

    QTreeWidget* m_tree;
    QTreeWidget* m_live;
    QLabel* m_liveTitle;
    QPushButton* m_clear;
    int m_errors = 0;
};

}  // namespace pareto::ui
