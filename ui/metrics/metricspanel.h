// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "eval/bootstrap.h"

#include <QWidget>

class QLabel;
class QProgressBar;

namespace pareto::ui {

class StudioController;

/// @brief "Current configuration": the size of what the sliders describe (bytes actually
/// stored, ratio, bits per parameter) and its held-out quality, streamed in with n and the
/// running 95 % CI, the paired delta vs FP32 (saying when its CI crosses 0), and A vs
/// current when a configuration is pinned. UI thread only.
class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget* parent = nullptr);

    void setController(StudioController* controller);

    /// The MSE estimate on screen (NaN mean when none), and whether it is final.
    Estimate shownMse() const { return m_shownMse; }
    bool shownComplete() const { return m_complete; }
    /// The MSE line as displayed.
    QString mseText() const;
    QString text() const;

private:
    void refresh();

    StudioController* m_controller = nullptr;
    QLabel* m_title;
    QLabel* m_size;
    QLabel* m_n;
    QProgressBar* m_progress;
    QLabel* m_table;
    QLabel* m_compare;
    Estimate m_shownMse;
    bool m_complete = false;
    QString m_mseText;
};

}  // namespace pareto::ui
