#pragma once

#include <QDateTime>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace pareto::ui {

/// How serious a finding is.
enum class Severity { Info, Warning, Error };

/// @brief The list of non-fatal findings and load errors: an untrained-looking model, a
/// checkpoint that would not open, data conversions, quantizer findings. Never a modal
/// dialog. A finding already listed is not repeated: its count goes up. UI thread only.
class WarningsPanel : public QWidget {
    Q_OBJECT
public:
    explicit WarningsPanel(QWidget* parent = nullptr);

    void add(Severity severity, const QString& source, const QString& message);
    void clear();

    int count() const;
    /// "source: message" of every entry, oldest first (for tests and the report).
    QStringList messages() const;

Q_SIGNALS:
    /// The number of entries changed (MainWindow shows it in the dock's title).
    void countChanged(int count, int errors);

private:
    QTreeWidget* m_tree;
    QPushButton* m_clear;
    int m_errors = 0;
};

}  // namespace pareto::ui
