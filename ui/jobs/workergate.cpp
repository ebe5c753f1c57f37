// SPDX-License-Identifier: Apache-2.0
#include "jobs/workergate.h"

namespace pareto::ui {

void WorkerGate::holdAt(int step) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_holdAt = step;
    m_released = false;
}

void WorkerGate::release() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_released = true;
    }
    m_cv.notify_all();
}

bool WorkerGate::waiting() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_waitingAt >= 0;
}

int WorkerGate::waitingStep() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_waitingAt;
}

void WorkerGate::pass(int step) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_holdAt < 0 || step < m_holdAt || m_released) return;
    m_waitingAt = step;
    m_cv.wait(lock, [this] { return m_released; });
    m_waitingAt = -1;
}

}  // namespace pareto::ui
