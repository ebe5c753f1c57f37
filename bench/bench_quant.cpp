// SPDX-License-Identifier: Apache-2.0
// Quantize+pack throughput of the fast kernels on a 16 M-parameter FP32 tensor, in FP32
// input bytes per second, beside a memcpy of the same 64 MB. One core: run as
//   OPENBLAS_NUM_THREADS=1 ./bench_quant
// (main() also pins ATen to one thread). Target: >= 50 % of memcpy for INT8/INT4
// per-channel and group-wise.
#include "quant/fastkernels.h"
#include "quant/tensorquantizer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace pareto;

namespace {

constexpr int64_t kRows = 4096, kCols = 4096;
constexpr int64_t kBytes = kRows * kCols * static_cast<int64_t>(sizeof(float));

const at::Tensor& weights() {
    static const at::Tensor w = [] {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(1234);
        return at::randn({kRows, kCols}, gen, at::kFloat).mul_(0.02);
    }();
    return w;
}

void BM_Memcpy(benchmark::State& state) {
    const at::Tensor& w = weights();
    std::vector<float> dst(static_cast<size_t>(w.numel()));
    for (auto _ : state) {
        std::memcpy(dst.data(), w.data_ptr<float>(), static_cast<size_t>(kBytes));
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * kBytes);
}

void quantizeBench(benchmark::State& state, const char* schemeText, KernelPath path) {
    const at::Tensor& w = weights();
    const auto scheme = QuantScheme::parse(schemeText);
    if (!scheme) {
        state.SkipWithError(scheme.error().message.c_str());
        return;
    }
    int64_t stored = 0;
    for (auto _ : state) {
        auto q = quantizeTensor("bench.weight", w, *scheme, 0, {path, true});
        if (!q) {
            state.SkipWithError(q.error().message.c_str());
            return;
        }
        stored = q->bytes();
        benchmark::DoNotOptimize(q->packed.data());
    }
    state.SetBytesProcessed(state.iterations() * kBytes);
    state.counters["stored_MB"] = static_cast<double>(stored) / 1e6;
}

// The dequantize kernel into one reused output buffer (dequantize() itself also allocates
// a fresh 64 MB tensor per call, whose page faults would dominate in a VM).
void dequantizeBench(benchmark::State& state, const char* schemeText) {
    const auto scheme = QuantScheme::parse(schemeText);
    auto q = quantizeTensor("bench.weight", weights(), *scheme);
    if (!q) {
        state.SkipWithError(q.error().message.c_str());
        return;
    }
    std::vector<float> out(static_cast<size_t>(q->numel()));
    for (auto _ : state) {
        pareto::detail::dequantizeFast(*q, out.data(), true);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * kBytes);
}

}  // namespace

int main(int argc, char** argv) {
    // One core, as the target is stated: ATen's intra-op pool pinned to a single thread.
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    at::set_num_threads(1);
#if defined(__GLIBC__)
    // Keep freed 16-64 MB blocks in the heap instead of unmapping them: otherwise every
    // iteration pays fresh page faults for its output (15 us each in a VM), which memcpy,
    // writing into one reused buffer, does not. Pass --fresh-pages to measure with them.
    bool freshPages = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--fresh-pages") == 0) {
            freshPages = true;
            for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
            --argc;
            break;
        }
    }
    if (!freshPages) {
        mallopt(M_MMAP_MAX, 0);  // every block from the heap, none mmapped per allocation
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
    }
#endif
    // A warm-up run per case: the first touch of fresh output pages is not the kernel's cost.
    constexpr double kWarmUpSeconds = 0.3;
    benchmark::RegisterBenchmark("memcpy", BM_Memcpy)->Unit(benchmark::kMillisecond)->MinWarmUpTime(kWarmUpSeconds);
    struct Case {
        const char* name;
        const char* scheme;
        KernelPath path;
    };
    const Case quantizeCases[] = {
        {"int8_channel", "int8", KernelPath::Fast},
        {"int4_channel", "int4", KernelPath::Fast},
        {"int3_channel", "int3", KernelPath::Fast},
        {"int2_channel", "int2", KernelPath::Fast},
        {"int8_g64", "int8-g64", KernelPath::Fast},
        {"int4_g64", "int4-g64", KernelPath::Fast},
        {"int4_g128", "int4-g128", KernelPath::Fast},
        {"int4_channel_asym", "int4-asym", KernelPath::Fast},
        {"nf4", "nf4", KernelPath::Fast},
        {"ternary_base3", "ternary", KernelPath::Fast},
        {"ternary_2bit", "ternary-2bit", KernelPath::Fast},
        {"fp16", "fp16", KernelPath::Fast},
        {"int4_channel_reference", "int4", KernelPath::Reference},
    };
    for (const Case& c : quantizeCases) {
        auto* b = benchmark::RegisterBenchmark((std::string("quantize/") + c.name).c_str(), quantizeBench, c.scheme, c.path)
                      ->Unit(benchmark::kMillisecond);
        if (c.path == KernelPath::Reference) b->Iterations(2);  // ~0.3 s each
        else b->MinWarmUpTime(kWarmUpSeconds);
    }
    for (const Case& c : {Case{"int8_channel", "int8", KernelPath::Fast}, Case{"int4_g64", "int4-g64", KernelPath::Fast}})
        benchmark::RegisterBenchmark((std::string("dequantize/") + c.name).c_str(), dequantizeBench, c.scheme)
            ->Unit(benchmark::kMillisecond)
            ->MinWarmUpTime(kWarmUpSeconds);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
