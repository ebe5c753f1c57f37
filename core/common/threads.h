#pragma once

namespace pareto {

/// @brief Sets the compute thread pools the way that is fastest on small machines:
/// OpenBLAS single-threaded (its pool fights ATen's), ATen intra-op at `atenThreads`
/// (0 = min(2, hardware cores)). Call once at program start, before heavy work.
void configureComputeThreads(int atenThreads = 0);

/// @brief The name of the BLAS library LibTorch resolved to ("openblas" or "reference").
const char* blasBackendName();

}  // namespace pareto
