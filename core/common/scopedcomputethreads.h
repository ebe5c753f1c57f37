// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace pareto {

/// @brief For its lifetime, the calling thread's compute kernels (LibTorch's intra-op
/// OpenMP team) use `threads` threads; the count it had is restored on destruction.
///
/// Affects only the calling thread (at::set_num_threads would change every later thread's
/// default too). A no-op where OpenMP is not LibTorch's backend. Not movable; create and
/// destroy it on the same thread.
class ScopedComputeThreads {
public:
    explicit ScopedComputeThreads(int threads);
    ~ScopedComputeThreads();
    ScopedComputeThreads(const ScopedComputeThreads&) = delete;
    ScopedComputeThreads& operator=(const ScopedComputeThreads&) = delete;

    /// Sets the calling thread's count for good (for a thread that only computes).
    static void setForThisThread(int threads);
    /// The calling thread's count (at::get_num_threads() there).
    static int forThisThread();

private:
    int m_previous;
};

}  // namespace pareto
