#include "common/threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <dlfcn.h>
#include <thread>

namespace pareto {

void configureComputeThreads(int atenThreads) {
    // OPENBLAS_NUM_THREADS is read when libopenblas loads, before main(): set it at run
    // time through the library's own entry point instead.
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(1);
    if (atenThreads <= 0) {
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        atenThreads = static_cast<int>(std::min(2u, hw));
    }
    at::set_num_threads(atenThreads);
}

const char* blasBackendName() {
    return ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads") ? "openblas" : "reference";
}

}  // namespace pareto
