// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace pareto::ui {

/// @brief Makes the calling worker thread compute with one intra-op thread (LibTorch's
/// OpenMP pool), leaving the other core to the UI and the preview. For background jobs
/// (sweeps, sensitivity) that would otherwise take both cores from an interactive session.
/// Affects only the calling thread; a no-op where OpenMP is not LibTorch's backend.
void useOneComputeThread();

}  // namespace pareto::ui
