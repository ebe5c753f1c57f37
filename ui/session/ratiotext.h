// SPDX-License-Identifier: Apache-2.0
#pragma once
// The compression ratio as a person reads it, written once for the panel, the table's
// tooltip, the chart's hover text, the report and the export dialog.

#include <QString>

namespace pareto::ui {

struct EvaluatedConfig;

/// "4.31× smaller than the original FP32", plus " (1.00× vs its own FP32)" for a model of its
/// own (another latent size): the headline is always ratio_vs_original.
QString ratioText(const EvaluatedConfig& c);
/// The same for a size not measured yet (the preview's): bytes vs the opened and the own FP32.
QString ratioText(qint64 bytes, qint64 originalFp32Bytes, qint64 ownFp32Bytes);

}  // namespace pareto::ui
