// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <mutex>

namespace pareto::ui {

/// @brief A test hook that holds a worker at a known point until the test lets it go.
///
/// The worker calls pass(step) at each step; a gate armed with holdAt(n) blocks the worker
/// in pass(n) (and later steps) until release(). Tests wait for waiting() with QTRY_VERIFY,
/// act (e.g. press Cancel), then release(): no sleeps, no races. Thread-safe.
class WorkerGate {
public:
    /// Blocks workers reaching step >= `step` (-1 disarms).
    void holdAt(int step);
    /// Lets every held and future worker through.
    void release();
    /// True while a worker is held in pass().
    bool waiting() const;
    /// The step a held worker is waiting at, or -1.
    int waitingStep() const;

    /// Worker side: returns at once unless the gate holds this step.
    void pass(int step);

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_holdAt = -1;
    int m_waitingAt = -1;
    bool m_released = false;
};

}  // namespace pareto::ui
