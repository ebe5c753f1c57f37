// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/latentgridjob.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace pareto::ui {

class CoreLatentProvider;
class LatentGridView;
class StudioController;

/// @brief The Charts panel's "Latent × bits" tab: which latent rows to measure (PCA k list,
/// the catalog's trained models, this session's distilled students), the grid job
/// (LatentGridJob, core sweepCompound) run and cancelled from here with progress in the
/// status bar, the heat map (LatentGridView), and its CSV export. Measured cells also enter
/// the session's evaluated configurations (chart points and table rows carrying their
/// latent choice). UI thread only.
class LatentGridPanel : public QWidget {
    Q_OBJECT
public:
    explicit LatentGridPanel(QWidget* parent = nullptr);
    ~LatentGridPanel() override;

    /// `schemes` gives the columns after FP32 (the Charts panel's sweep grid).
    void setup(StudioController* controller, CoreLatentProvider* provider, std::function<std::vector<QuantScheme>()> schemes);

    /// The request the widgets describe now (no session: empty).
    LatentGridRequest request() const;
    bool run();
    void cancel();
    bool isRunning() const;
    const LatentGridResult* result() const { return m_result ? &*m_result : nullptr; }
    /// The grid as CSV (core `pareto sweep --latents`' columns plus the configuration key).
    QString csv() const;
    /// Writes csv() atomically. Returns "" or an error naming the file.
    QString exportCsv(const QString& path);

    LatentGridView* view() const { return m_view; }
    LatentGridJob* job() const { return m_job; }
    QPushButton* runButton() const { return m_run; }
    QLineEdit* pcaBox() const { return m_pca; }
    QCheckBox* trainedBox() const { return m_trained; }
    QCheckBox* distilledBox() const { return m_distilled; }

    /// Cancels the job "latent-grid" (the status bar's Cancel).
    void cancelJob(const QString& id);

Q_SIGNALS:
    void configActivated(const pareto::ui::StudioConfig& config);
    void jobStarted(const QString& id, const QString& label);
    void jobProgress(const QString& id, double fraction, const QString& stage);
    void jobEnded(const QString& id);
    void exported(const QString& path, const QString& error);

private:
    void sessionChanged();
    void latentOptionsChanged();
    void onFinished(const LatentGridResult& result);
    void refreshStatus();

    StudioController* m_controller = nullptr;
    CoreLatentProvider* m_provider = nullptr;
    std::function<std::vector<QuantScheme>()> m_schemes;
    LatentGridJob* m_job;
    LatentGridView* m_view;
    QLineEdit* m_pca;
    QCheckBox* m_trained;
    QCheckBox* m_distilled;
    QPushButton* m_run;
    QPushButton* m_csv;
    QLabel* m_status;
    std::optional<LatentGridResult> m_result;
    quint64 m_runSession = 0;
    bool m_pcaEdited = false;
};

}  // namespace pareto::ui
