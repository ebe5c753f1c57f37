// SPDX-License-Identifier: Apache-2.0
#include "common/threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <unistd.h>
#include <dlfcn.h>
#include <malloc.h>
#include <thread>

namespace pareto {

namespace {

int& configuredCount() {
    static int count = static_cast<int>(std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
    return count;
}

}  // namespace

int configuredComputeThreads() { return configuredCount(); }

void configureComputeThreads(int atenThreads) {
    // Batches allocate multi-MB tensors: by default glibc maps and unmaps each one, which
    // with transparent huge pages made evaluation ~10x slower here. Keep them on the heap.
    ::mallopt(M_MMAP_THRESHOLD, 512 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 1024 << 20);
    // OPENBLAS_NUM_THREADS is read when libopenblas loads, before main(): set it at run
    // time through the library's own entry point instead.
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(1);
    if (atenThreads <= 0) {
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        atenThreads = static_cast<int>(std::min(2u, hw));
    }
    configuredCount() = atenThreads;
    at::set_num_threads(atenThreads);
}

void reexecWithSingleThreadedBlas(char** argv) {
    const bool blasSet = std::getenv("OPENBLAS_NUM_THREADS") != nullptr;
    const bool ompSet = std::getenv("OMP_WAIT_POLICY") != nullptr;
    if (blasSet && ompSet) return;
    // Resolve the link so the process keeps its own name (not "exe") in ps and top.
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = '\0';
    if (!blasSet) ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
    // libgomp (ATen's pool) spins idle threads by default: whenever anything else runs on a
    // 2-core machine (a build, a second test, the UI thread) that made training ~6x slower
    // here. Sleeping waiters cost a few percent on an idle machine. Read at load, like BLAS.
    if (!ompSet) ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv(self, argv);
    // execv failed (no /proc): carry on with the run-time setting only.
}

const char* blasBackendName() {
    return ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads") ? "openblas" : "reference";
}

}  // namespace pareto
