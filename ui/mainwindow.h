#pragma once

#include <QMainWindow>

class QProgressBar;
class QPushButton;

namespace pareto::ui {

class EvaluationJob;
class ModelSummaryPanel;
struct EvaluationSummary;

/// @brief The studio window. It only assembles panels and wires them to controllers;
/// features live in their own panels (ui/<feature>/). UI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a checkpoint and measures it on `dataSpec` in the background.
    void openModel(const QString& checkpoint, const QString& dataSpec, qint64 limit = -1);

    ModelSummaryPanel* summaryPanel() const { return m_summary; }

Q_SIGNALS:
    /// The current model's numbers are on screen (or its error is).
    void modelSettled();

private:
    void openDialog();

    ModelSummaryPanel* m_summary;
    EvaluationJob* m_job;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QString m_dataSpec;
};

}  // namespace pareto::ui
