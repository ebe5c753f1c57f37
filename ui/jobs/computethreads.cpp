// SPDX-License-Identifier: Apache-2.0
#include "jobs/computethreads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

namespace pareto::ui {

void useOneComputeThread() {
    // ATen sets each thread's OpenMP team size from its global setting the first time the
    // thread runs parallel work: trigger that first, then override this thread's own value.
    // at::set_num_threads() would change the global setting, i.e. every later thread's.
    (void)at::get_num_threads();
    // libgomp comes in with LibTorch; look it up rather than link OpenMP into ui/.
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) fn(1);
}

}  // namespace pareto::ui
