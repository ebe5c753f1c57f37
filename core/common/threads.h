// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace pareto {

/// @brief Sets the compute thread pools the way that is fastest on small machines:
/// OpenBLAS single-threaded (its pool fights ATen's), ATen intra-op at `atenThreads`
/// (0 = min(2, hardware cores)), and glibc malloc keeping large buffers instead of
/// mapping and unmapping one per batch. Call once at program start, before heavy work.
void configureComputeThreads(int atenThreads = 0);

/// @brief The compute thread count configureComputeThreads() set (min(2, cores) before it
/// ran): how many batches core measures at once, whatever a worker thread set for itself.
int configuredComputeThreads();

/// @brief Makes sure OpenBLAS started single-threaded. OpenBLAS spawns its thread pool
/// when it loads, before main(), and a pool started that way slows LibTorch's convolutions
/// ~10x here even after openblas_set_num_threads(1). So, when OPENBLAS_NUM_THREADS is
/// unset, this sets it to 1 and re-executes the program (Linux: /proc/self/exe); likewise
/// OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads sleep rather than spin). It returns normally
/// when both variables were already set or re-execution is impossible.
void reexecWithSingleThreadedBlas(char** argv);

/// @brief The name of the BLAS library LibTorch resolved to ("openblas" or "reference").
const char* blasBackendName();

}  // namespace pareto
