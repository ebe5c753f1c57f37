// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace pareto::ui {

/// @brief The question asked before a program file runs, shown in the main area (not a
/// modal dialog): a TorchScript model is code, and opening it runs that code. UI thread.
class TrustBanner : public QFrame {
    Q_OBJECT
public:
    explicit TrustBanner(QWidget* parent = nullptr);

    /// Shows the question for `path`; `detail` is core's one-line reason.
    void ask(const QString& path, const QString& detail);
    QString path() const { return m_path; }
    QPushButton* trustButton() const { return m_trust; }
    QPushButton* cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void trustRequested();
    void declined();

private:
    QLabel* m_text;
    QPushButton* m_trust;
    QPushButton* m_cancel;
    QString m_path;
};

}  // namespace pareto::ui
