// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/uiformat.h"
#include "reconstruction/previewresult.h"
#include "session/evaluatedconfig.h"
#include "session/sessiondata.h"
#include "session/studiocontroller.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <optional>

class QPainter;

namespace pareto::ui {

/// @brief The one-page report for stakeholders: the chosen configuration, its size, its
/// held-out numbers with 95 % CIs and n beside FP32 and the mean image, A vs current when
/// pinned, the quality-vs-size chart with the Pareto front, and a few reconstructions with
/// the shared error scale. Written as PNG and PDF from the same drawing code, atomically
/// (QSaveFile). A snapshot of the controller's state, taken on the UI thread.
class ReportWriter {
public:
    /// Takes what it needs from `controller` now; the report needs the current
    /// configuration's complete figures (see ready()).
    ReportWriter(const StudioController& controller, Metric metric);

    /// False when the current configuration is not fully measured yet (reason()).
    bool ready() const { return m_ready; }
    QString reason() const { return m_reason; }

    /// Writes BASE.png and BASE.pdf (BASE without extension; a .png/.pdf suffix is dropped).
    /// Returns "" or an error naming the file.
    QString write(const QString& basePath) const;
    QString writePng(const QString& path) const;
    QString writePdf(const QString& path) const;

    static constexpr int kSamples = 4;

    /// The report's left column (model, data, configuration, size, quality) as rich text.
    QString factsHtml() const;

private:
    void paint(QPainter& p, const QRectF& page) const;

    bool m_ready = false;
    QString m_reason;
    SessionInfo m_info;
    EvaluatedConfig m_current;
    EvaluatedConfig m_fp32;
    QVector<EvaluatedConfig> m_all;
    QVector<bool> m_pareto;
    MeanImageFigures m_meanImage;
    std::optional<PreviewResult> m_preview;
    std::optional<EvaluatedConfig> m_pinned;
    std::optional<Comparison> m_comparison;
    Metric m_metric;
    QDateTime m_when;
};

}  // namespace pareto::ui
