// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace pareto::ui {

/// @brief Makes the calling worker thread compute with one intra-op thread (LibTorch's
/// OpenMP pool), leaving the other core to the UI and the preview. For background jobs
/// (sensitivity, distillation) that would otherwise take both cores from an interactive
/// session. Affects only the calling thread; a no-op where OpenMP is not LibTorch's backend.
void useOneComputeThread();

/// @brief For sweeps, the latent x bits grid and the held-out metrics of the slider's
/// configuration: the calling worker thread measures on every
/// compute thread (core runs batches concurrently, each single-threaded), at a lower
/// scheduling priority that the threads core starts inherit, so the UI thread and the
/// preview job still get a core the moment they need one.
void useBackgroundComputeThreads();

}  // namespace pareto::ui
