// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writing a chart (PNG, SVG) and the table of evaluated configurations (CSV). Every write
// goes through QSaveFile: a failed or interrupted export leaves the old file intact.

#include "common/uiformat.h"
#include "session/evaluatedconfig.h"

#include <QString>
#include <QVector>

class QWidget;

namespace pareto::ui {

/// Renders `view` at `scale` x its size into a PNG. Returns "" or an error naming the file.
QString exportWidgetPng(QWidget* view, const QString& path, double scale = 2.0);
/// Renders `view` as vector graphics (QSvgGenerator). Returns "" or an error naming the file.
QString exportWidgetSvg(QWidget* view, const QString& path, const QString& title);
/// PNG or SVG by the file's extension.
QString exportWidget(QWidget* view, const QString& path, const QString& title);

/// The table as CSV: one row per configuration, means and CI bounds in their own columns,
/// Pareto flags for every metric. Numbers with full precision (17 significant digits).
QString configTableCsv(const QVector<EvaluatedConfig>& rows, const QVector<bool>& paretoMse,
                       const QVector<bool>& paretoPsnr, const QVector<bool>& paretoSsim);
/// Writes `text` (UTF-8) to `path` atomically. Returns "" or an error naming the file.
QString writeTextFile(const QString& path, const QString& text);

}  // namespace pareto::ui
