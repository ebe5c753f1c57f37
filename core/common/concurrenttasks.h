// SPDX-License-Identifier: Apache-2.0
#pragma once
// Independent tasks on every core at once, each computing single-threaded: how core runs
// many small pieces (a batch of images through one model) without parking and waking a
// thread pool around every small tensor op.

#include <cstdint>
#include <functional>

namespace pareto {

/// @brief What runConcurrently() hands each task.
struct TaskContext {
    int64_t index = 0;      ///< which task, in [0, count)
    bool onCaller = false;  ///< running on the calling thread (the one that may report progress)
};

/// Runs task(ctx) for every index in [0, count), on up to `workers` threads at once: the
/// calling thread and workers - 1 threads started for the call, each taking the next index
/// not yet taken (in index order). Every task runs with single-threaded compute kernels
/// (ScopedComputeThreads(1)) and without autograd, so what a task computes does not depend
/// on the thread it runs on or on how many run. The started threads inherit the caller's
/// scheduling priority (a background job's lower priority stays lower).
///
/// A task returning false makes the others take no new index (tasks already running
/// finish). An exception thrown by a task also stops the others, and the one of the lowest
/// index is rethrown on the caller after every thread has stopped. workers < 1 counts as 1;
/// with one worker, or one task, everything runs on the calling thread.
void runConcurrently(int64_t count, int workers, const std::function<bool(const TaskContext&)>& task);

/// The workers core uses by default: the calling thread's compute thread count
/// (at::get_num_threads(): `pareto --threads N`, configureComputeThreads()).
int defaultWorkers();

}  // namespace pareto
