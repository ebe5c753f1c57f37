// SPDX-License-Identifier: Apache-2.0
#pragma once
// The named stages of an export and the hooks that stop it there (tests, diagnostics).

#include "common/result.h"

#include <functional>
#include <string>
#include <vector>

namespace pareto {

/// The stages of an export, in order. Hooks and progress see these names:
///   measure, write-weights, write-model, write-golden, write-readme, write-manifest,
///   verify, tar (only with tar), install, swap-aside (replacing without RENAME_EXCHANGE),
///   remove-old (replacing), done.
const std::vector<std::string>& exportStages();

/// @brief Test and diagnostic hooks. Defaults do nothing.
struct ExportHooks {
    /// Called at the start of each stage. An error stops the export there as a failure;
    /// Error::cancelled() as a cancel. Either way nothing appears at the destination and an
    /// existing package is restored. The CLI's PARETO_EXPORT_STOP_AT kills the process here.
    /// "done" is called after the package is in place; what it returns is ignored.
    std::function<Status(const std::string& stage)> atStage;
    /// false: replace with two renames instead of RENAME_EXCHANGE (to test that path).
    bool allowRenameExchange = true;
};

}  // namespace pareto
