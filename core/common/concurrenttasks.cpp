// SPDX-License-Identifier: Apache-2.0
#include "common/concurrenttasks.h"

#include "common/scopedcomputethreads.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pareto {

int defaultWorkers() { return std::max(1, ScopedComputeThreads::forThisThread()); }

void runConcurrently(int64_t count, int workers, const std::function<bool(const TaskContext&)>& task) {
    if (count <= 0) return;
    const int threads = static_cast<int>(std::min<int64_t>(std::max(1, workers), count));
    std::atomic<int64_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::exception_ptr error;
    int64_t errorIndex = count;

    const auto loop = [&](bool onCaller) {
        at::NoGradGuard noGrad;  // thread-local: each worker needs its own
        while (!stop.load()) {
            const int64_t i = next.fetch_add(1);
            if (i >= count) break;
            try {
                if (!task(TaskContext{i, onCaller})) stop.store(true);
            } catch (...) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (i < errorIndex) {
                    errorIndex = i;
                    error = std::current_exception();
                }
                stop.store(true);
            }
        }
    };

    ScopedComputeThreads single(1);
    std::vector<std::thread> started;
    started.reserve(static_cast<size_t>(threads - 1));
    for (int t = 1; t < threads; ++t)
        started.emplace_back([&loop] {
            ScopedComputeThreads::setForThisThread(1);
            loop(false);
        });
    loop(true);
    for (auto& t : started) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace pareto
