#pragma once

#include "jobs/evaluationsummary.h"

#include <QWidget>

class QLabel;

namespace pareto::ui {

/// @brief Shows what a model is and how it measures on held-out data, beside the
/// mean-image baseline, each figure with n and its 95 % CI. UI thread only.
class ModelSummaryPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelSummaryPanel(QWidget* parent = nullptr);

    void showLoading(const QString& checkpoint);
    void showSummary(const EvaluationSummary& summary);
    void showError(const QString& message);

    /// The text currently shown, for tests and accessibility.
    QString text() const;

private:
    QLabel* m_title;
    QLabel* m_body;
};

}  // namespace pareto::ui
