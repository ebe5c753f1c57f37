// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace pareto::ui {

/// @brief What the main area shows when a model could not be opened: the whole message
/// (wrapped, selectable, never a truncated status line) and the two ways on, *Open…* and
/// *Open demo*; *Back* returns to the model still open, when there is one. UI thread only.
class OpenErrorView : public QWidget {
    Q_OBJECT
public:
    explicit OpenErrorView(QWidget* parent = nullptr);

    /// Shows `message` about `path`; `canGoBack`: a session is still open behind this page.
    void showError(const QString& path, const QString& message, bool canGoBack);
    QString message() const;
    QPushButton* openButton() const { return m_open; }
    QPushButton* demoButton() const { return m_demo; }
    QPushButton* backButton() const { return m_back; }

Q_SIGNALS:
    void openRequested();
    void demoRequested();
    void backRequested();

private:
    QLabel* m_title;
    QLabel* m_message;
    QPushButton* m_open;
    QPushButton* m_demo;
    QPushButton* m_back;
};

}  // namespace pareto::ui
