// SPDX-License-Identifier: Apache-2.0
#include "common/scopedcomputethreads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

namespace pareto {
namespace {

using SetThreads = void (*)(int);

SetThreads ompSetNumThreads() {
    // libgomp comes in with LibTorch; look it up rather than link OpenMP into core.
    static const auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    return fn;
}

}  // namespace

void ScopedComputeThreads::setForThisThread(int threads) {
    // ATen sets each thread's OpenMP team size from its global setting the first time the
    // thread asks: trigger that first, then override this thread's own value.
    (void)at::get_num_threads();
    if (auto fn = ompSetNumThreads()) fn(threads < 1 ? 1 : threads);
}

int ScopedComputeThreads::forThisThread() { return at::get_num_threads(); }

ScopedComputeThreads::ScopedComputeThreads(int threads) : m_previous(forThisThread()) {
    if (threads != m_previous) setForThisThread(threads);
}

ScopedComputeThreads::~ScopedComputeThreads() {
    if (forThisThread() != m_previous) setForThisThread(m_previous);
}

}  // namespace pareto
